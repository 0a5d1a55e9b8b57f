"""The bundled program's `station-server`: sync.server's command."""

import sys

if __name__ == "__main__":
    from sync.server import main

    sys.exit(main())
