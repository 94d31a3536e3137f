"""`python -m terminal.cli` runs the `medterm` command."""

import sys

from terminal.cli import main

sys.exit(main())
