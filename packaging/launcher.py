"""Entry point of the frozen executables (desktop832 and desktop832-cli): the same as the console script."""

import sys

from desktop832.cli import main

if __name__ == "__main__":
    sys.exit(main())
