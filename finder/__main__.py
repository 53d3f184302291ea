"""`python -m finder`: the command-line tools in finder.cli."""

from finder.cli import main

raise SystemExit(main())
