"""forkaudit: find child processes and threads that are started and never reaped."""

__version__ = "0.1.0"
