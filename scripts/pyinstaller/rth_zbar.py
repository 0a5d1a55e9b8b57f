# Runtime hook (build.spec): pyzbar finds libzbar with ctypes.util.find_library, which never looks in the
# bundle; point it at the copy bundled on Linux (Windows wheels of pyzbar carry their own DLLs).
import ctypes.util
import os
import sys

_bundle = getattr(sys, "_MEIPASS", "")
_find = ctypes.util.find_library


def _find_library(name):
    if name == "zbar" and _bundle:
        for entry in sorted(os.listdir(_bundle)):
            if entry.startswith("libzbar.so"):
                return os.path.join(_bundle, entry)
    return _find(name)


ctypes.util.find_library = _find_library
