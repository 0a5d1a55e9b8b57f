"""This laptop's settings (site, station id, desk roles, desk number, ...), saved in the user's config dir."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from station.paths import default_config_dir

DESK_ROLES = ("signin", "prescreen", "inject", "observe", "admin")
FILE_NAME = "settings.json"


@dataclass
class Settings:
    site_name: str = ""
    station_id: str = ""
    desk_roles: list[str] = field(default_factory=list)
    desk: str = "1"
    idle_lock_minutes: int = 5
    lang: str = "zh"
    seats: int = 100
    camera: str | None = None
    health_hosts: list[str] = field(default_factory=list)  # empty: the payload parser's demo hosts
    printer: str | None = None
    slip_size: str = "80mm"
    server_url: str | None = None
    emergency_phone: str = ""
    queue_prefix: str = "A"  # this sign-in desk's letter: its queue numbers are A001, A002, ...

    @property
    def configured(self) -> bool:
        return bool(self.site_name and self.station_id and self.desk_roles)

    @classmethod
    def load(cls, folder: Path | None = None) -> Settings:
        path = (folder or default_config_dir()) / FILE_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):  # first run, or a damaged file: start from defaults
            return cls()
        known = {f.name for f in fields(cls)}
        settings = cls(**{k: v for k, v in data.items() if k in known})
        settings.desk_roles = [r for r in settings.desk_roles if r in DESK_ROLES]
        if isinstance(settings.health_hosts, str):  # "a.cn, b.cn" written by hand
            settings.health_hosts = settings.health_hosts.split(",")
        settings.health_hosts = [str(h).strip() for h in settings.health_hosts or [] if str(h).strip()]
        prefix = str(settings.queue_prefix).strip().upper()
        settings.queue_prefix = prefix if len(prefix) == 1 and "A" <= prefix <= "Z" else "A"
        return settings

    def save(self, folder: Path | None = None) -> Path:
        """Write atomically (temp file + rename), so a crash never leaves half a settings file."""
        folder = folder or default_config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / FILE_NAME
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".settings-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, ensure_ascii=False, indent=2)
        os.replace(tmp, path)
        return path
