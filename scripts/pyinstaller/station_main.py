"""The bundled program's `station` (and, on Windows, the windowed `VaccinationStation`): station.cli."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from station.cli import main

    sys.exit(main())
