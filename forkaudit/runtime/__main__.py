"""``python -m forkaudit.runtime run|watch ...`` (see ``forkaudit.runtime.command``)."""

from forkaudit.runtime.command import main

raise SystemExit(main())
