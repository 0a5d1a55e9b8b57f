"""A damaged station brought back from its hub (#13): the station's records that reached the hub, its
own included, pulled into a new database file with the same station id and hub link.

The damaged file is only ever read (read-only, for its station id and its link to the hub). The new
file is made and filled beside it first (``station.sqlite3.repull``); only when the pull has
succeeded is the damaged file set aside in ``replaced/`` (with its WAL and mark, byte for byte) and
the new one put in its place. When the hub cannot be reached nothing changes. Records made on this
laptop after its last sync are only in the damaged file (and its backups): the window says so.
After the swap the station records on: its next own event follows the hub's mark for it
(``integrity.hub_holds`` at the first push, the pull having brought them all back).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from station import backup, cipher, integrity
from station.errors import DomainError
from station.store import Store
from sync.client.engine import LINK_KEYS, Syncer, keep_link

DB_NAME = "station.sqlite3"
WORK_SUFFIX = ".repull"


def rescue(path: Path) -> dict[str, Any] | None:
    """The station id and hub link read from the (damaged) file at ``path``, read-only; None when they
    cannot be read or the station never joined a hub."""
    try:
        conn = cipher.raw_connect(f"file:{Path(path).resolve()}?mode=ro", cipher.driver_for(path), uri=True,
                                  timeout=5)
        try:
            rows = dict(conn.execute(
                "SELECT key, value FROM meta WHERE key = 'origin' OR key LIKE 'sync.%'").fetchall())
        finally:
            conn.close()
    except (*cipher.Error, DomainError, OSError):
        return None
    link = {k: rows.get(f"sync.{k}") for k in LINK_KEYS}
    if not rows.get("origin") or not link["url"] or not link["token"]:
        return None
    return {"origin": rows["origin"], "link": link}


def repull(data: Path, rescued: dict[str, Any]) -> dict[str, Any]:
    """Pull the station's site from its hub into a new file and put it in place of the damaged one.

    Raises ``SyncError`` (the hub unreachable, the credential refused) with nothing changed."""
    target = Path(data) / DB_NAME
    work = target.with_name(target.name + WORK_SUFFIX)
    _remove(work)
    key = cipher.key_for(target)
    if key is not None:  # an encrypted station stays encrypted with its passphrase
        cipher.unlock(work, key)
    store = Store.open(work, origin=rescued["origin"])
    try:
        keep_link(store, rescued["link"])
        syncer = Syncer(store)
        try:
            pulled = 0
            while True:  # every page, until the hub has nothing more
                new = syncer.pull()
                pulled += new
                if not new:
                    break
        finally:
            syncer.remote.close()
        own = store.scalar("SELECT coalesce(max(seq), 0) FROM events WHERE origin = ?", [store.origin])
        events = store.scalar("SELECT count(*) FROM events")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        store.close()
        _remove(work)
        raise
    store.close()
    moved = backup.set_aside(target, "station-damaged", ("-wal", "-shm", integrity.MARK_SUFFIX))
    wal = work.with_name(work.name + "-wal")
    if wal.exists() and wal.stat().st_size:  # not folded in by the checkpoint: it goes with the file
        shutil.move(str(wal), str(target) + "-wal")
    work.replace(target)
    _remove(work)  # what is left of the work file: an empty -wal, its -shm, its mark
    integrity.reset_mark(target)  # the new file's own events are the hub's: its mark starts from them
    if key is not None:
        cipher.lock(work)
    return {"origin": rescued["origin"], "events": events, "own": own, "pulled": pulled,
            "replaced": str(moved) if moved else None, "path": str(target)}


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
              integrity.mark_path(path)):
        p.unlink(missing_ok=True)
