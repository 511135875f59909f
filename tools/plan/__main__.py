"""Entry point of `python -m tools.plan` (see tools/plan/cli.py)."""

import sys

from tools.plan.cli import main

if __name__ == "__main__":
    sys.exit(main())
