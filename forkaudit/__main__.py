from forkaudit.entry import main

raise SystemExit(main())
