"""The folder ``forkaudit run`` puts first on ``PYTHONPATH``: ``sitecustomize.py`` (loaded by
every traced interpreter) and ``_forkaudit_trace_hook.py`` (the hook it installs). Nothing here
is imported by the traced program under these package names; forkaudit itself imports the hook
module for its helpers (the JSON writer, the bounded series, ``/proc`` readers)."""

import os

INJECT_DIR = os.path.dirname(os.path.abspath(__file__))
