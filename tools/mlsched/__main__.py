"""`python -m tools.mlsched` is the `mlsched` console script."""

import sys

from tools.mlsched.cli import main

if __name__ == "__main__":
    sys.exit(main())
