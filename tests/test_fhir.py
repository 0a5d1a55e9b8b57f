"""FHIR export: every resource validated with fhir.resources (its R4B models, R4's resources unchanged),
references resolved, every figure against SQL; from a fresh site and from the demo day."""

from __future__ import annotations

import json
import sqlite3

import pytest
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from station import demo, fhir
from station.store import Store
from tests.conftest import DAY
from tests.registerskit import FORMULA_NAME, fresh_site, run_cli

pytestmark = pytest.mark.usefixtures("fast_pins")


def _read(path) -> list[dict]:
    resources = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            get_fhir_model_class(data["resourceType"]).model_validate(data)  # raises on anything invalid
            resources.append(data)
    return resources


def test_the_validator_refuses_a_broken_resource():
    with pytest.raises(ValidationError):
        get_fhir_model_class("Immunization").model_validate(
            {
                "resourceType": "Immunization",
                "patient": {"reference": "Patient/x"},
                "occurrenceDateTime": "2026",
            }
        )  # no status, no vaccineCode


def test_a_fresh_site(store, clock, tmp_path):
    ids = fresh_site(store, clock, tmp_path)
    out = tmp_path / "day.ndjson"
    result = fhir.export(store, DAY, out, site="朝阳区临时接种点")
    resources = _read(out)
    by_type: dict[str, list[dict]] = {}
    for r in resources:
        by_type.setdefault(r["resourceType"], []).append(r)
    db = sqlite3.connect(store.path)
    doses = db.execute(
        """SELECT d.event_id, d.person_id, p.id_number, d.lot_no, d.dose_number, d.at, l.expiry
           FROM doses d JOIN people p USING (person_id) JOIN lots l USING (lot_no)
           WHERE d.source = 'here' AND d.day = ?""",
        [DAY.isoformat()],
    ).fetchall()
    assert result["Immunization"] == len(by_type["Immunization"]) == len(doses) == 3
    immunizations = {r["id"]: r for r in by_type["Immunization"]}
    patients = {r["id"]: r for r in by_type["Patient"]}
    for event_id, person_id, id_number, lot, number, at, expiry in doses:
        imm = immunizations[event_id]
        assert imm["patient"]["reference"] == f"Patient/{person_id}"
        assert (imm["lotNumber"], imm["expirationDate"], imm["occurrenceDateTime"]) == (lot, expiry, at)
        assert imm["protocolApplied"][0]["doseNumberPositiveInt"] == number
        assert imm["status"] == "completed" and imm["vaccineCode"]["coding"][0]["code"] == "sinopharm_bbibp"
        assert patients[person_id]["identifier"][0]["value"] == id_number
    assert patients[ids["hyperlink"]]["name"][0]["text"] == FORMULA_NAME
    assert result["Patient"] == len(patients) == 3
    events = db.execute(
        "SELECT a.aefi_id, v.person_id, a.serious, a.severity FROM aefi a JOIN visits v USING (visit_id) WHERE v.day = ?",
        [DAY.isoformat()],
    ).fetchall()
    adverse = {r["id"]: r for r in by_type["AdverseEvent"]}
    assert len(adverse) == len(events) == 2
    for aefi_id, person_id, serious, severity in events:
        ae = adverse[aefi_id]
        assert ae["subject"]["reference"] == f"Patient/{person_id}"
        assert ae["seriousness"]["coding"][0]["code"] == ("serious" if serious else "non-serious")
        assert ae["severity"]["coding"][0]["code"] == severity
        target = ae["suspectEntity"][0]["instance"]["reference"].split("/")[1]
        assert immunizations[target]["patient"]["reference"] == f"Patient/{person_id}"
        assert immunizations[target]["reaction"]
    assert adverse[events[0][0]]["event"]["text"] in ("过敏性休克", "发热")


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    s = Store.open(data / "station.sqlite3", origin="demo-1")
    demo.load(s, DAY)
    s.close()
    return data


def test_the_demo_day_through_the_command(demo_data, tmp_path):
    out = tmp_path / "day.ndjson"
    result = json.loads(
        run_cli(demo_data, "export-fhir", "--day", DAY.isoformat(), "--out", str(out), "--json").stdout
    )
    resources = _read(out)
    db = sqlite3.connect(demo_data / "station.sqlite3")
    d = DAY.isoformat()
    doses = db.execute("SELECT count(*) FROM doses WHERE source = 'here' AND day = ?", [d]).fetchone()[0]
    people = db.execute(
        """SELECT count(*) FROM (SELECT person_id FROM doses WHERE source = 'here' AND day = ?
           UNION SELECT v.person_id FROM aefi a JOIN visits v USING (visit_id) WHERE v.day = ?)""",
        [d, d],
    ).fetchone()[0]
    reactions = db.execute(
        "SELECT count(*) FROM aefi a JOIN visits v USING (visit_id) WHERE v.day = ?", [d]
    ).fetchone()[0]
    assert (result["Immunization"], result["Patient"], result["AdverseEvent"]) == (doses, people, reactions)
    assert len(resources) == doses + people + reactions
    held = {f"{r['resourceType']}/{r['id']}" for r in resources}
    for r in resources:
        for key in ("patient", "subject"):
            if key in r:
                assert r[key]["reference"] in held
