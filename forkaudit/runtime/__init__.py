"""Run-time tracing (``forkaudit run``): ``inject/`` holds the hook put into the traced
interpreters (see ``inject/_forkaudit_trace_hook.py``)."""
