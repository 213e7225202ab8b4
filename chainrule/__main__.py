"""`python -m chainrule`: the command line (with no arguments, the seed demonstration)."""

import sys

from chainrule.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
