from forkaudit.cli import main

raise SystemExit(main())
