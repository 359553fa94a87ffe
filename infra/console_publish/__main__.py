from console_publish.publish import main

raise SystemExit(main())
