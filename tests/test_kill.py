"""The kill test, short form (#13): SIGKILL a station while it records, imports and syncs.

The child (tests/killkit.py) confirms each event on stdout only after its commit returned; after
each kill every confirmed event must be in the reopened database, no origin's seq may have a gap,
and the tables rebuilt from the log must equal the live ones. The long form (1,000+ kills) is
bench/bench_kill.py.
"""

from __future__ import annotations

import random

import pytest

from tests.killkit import Tally, kill_import, kill_recording, kill_sync

pytestmark = pytest.mark.usefixtures("fast_pins")


def assert_clean(tally: Tally, kills: int) -> None:
    assert tally.kills == kills
    assert tally.problems == [] and tally.mismatches == 0
    assert tally.found == tally.confirmed


def test_kills_while_recording(tmp_path):
    tally = Tally()
    kill_recording(tmp_path, 8, random.Random(8), tally)
    assert_clean(tally, 8)
    assert tally.confirmed > 0  # the child did record between the kills


def test_kills_during_a_bookings_import(tmp_path):
    # chunks are in or out: each kill leaves every visit once and the tables rebuild; the file
    # imported again afterwards completes (every row once, none twice)
    tally = Tally()
    kill_import(tmp_path, 5, random.Random(5), tally, rows=3000, span=1.5)
    assert_clean(tally, 5)


def test_kills_of_the_desk_and_of_the_hub_during_sync(tmp_path):
    # the desk killed while it pushes and pulls, the hub killed while it ingests; afterwards a
    # sync completes and both hold the same events, none twice (checked in kill_sync)
    tally = Tally()
    kill_sync(tmp_path, 6, random.Random(6), tally)
    assert_clean(tally, 6)
