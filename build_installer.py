"""Build the standalone bundle and installer.

Not built yet: the installer has its own issue. Running this says so and exits with status 1.
"""

import sys

if __name__ == "__main__":
    print("build_installer.py: the installer is not built yet (see the installer issue).", file=sys.stderr)
    sys.exit(1)
