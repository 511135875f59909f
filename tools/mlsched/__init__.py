"""The `mlsched` command: `mlsched plan`, `explain` and `diff` (see `mlsched --help`)."""
