"""Where things live: bundled resources, the user's data and config dirs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "VaccinationStation"


def resource_dir() -> Path:
    """The bundled resources/ folder (beside the packages, or inside a PyInstaller bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def default_data_dir() -> Path:
    env = os.environ.get("STATION_DATA")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_config_dir() -> Path:
    env = os.environ.get("STATION_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))
