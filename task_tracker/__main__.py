"""`python -m task_tracker` runs the CLI."""

from task_tracker.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
