"""``python -m prelabel.cli``."""

from . import main

raise SystemExit(main())
