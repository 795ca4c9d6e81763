"""`python -m app.cli`: the `revealed` command."""

import sys

from app.cli import main

sys.exit(main())
