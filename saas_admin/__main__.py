"""Run the CLI: `python -m saas_admin --help`."""

from .cli import main

raise SystemExit(main())
