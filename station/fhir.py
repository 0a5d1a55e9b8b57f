"""HL7 FHIR R4 export of a day: ``Patient`` (the ID number as an identifier), ``Immunization`` for each
dose given here, ``AdverseEvent`` for each suspected reaction, one JSON resource a line (NDJSON, as
FHIR bulk data writes it). Built as plain dicts from the tables; the tests validate every resource
with ``fhir.resources`` (its R4B models: R4B changed nothing in these three resources). See
docs/registers.md for the code systems.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from station import pdf as pdfmod
from station.ledger import AEFI_LABELS, manufacturer
from station.rules import Rules, load_rules
from station.store import Store

# Local code systems: a district maps them to its own (docs/registers.md).
PRODUCT_SYSTEM = "urn:vaccination-station:product"
AEFI_SYSTEM = "urn:vaccination-station:aefi-category"
ID_SYSTEMS = {
    "resident_id": "urn:vaccination-station:id:cn-resident",  # 居民身份证号 (GB 11643)
}
ID_TYPE_CODES = {"resident_id": ("NI", "National unique individual identifier")}
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
SITES = {"left_deltoid": ("LA", "left arm"), "right_deltoid": ("RA", "right arm")}
ROUTE_IM = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration",
            "code": "IM",
            "display": "Injection, intramuscular",
        }
    ]
}
GENDERS = {"M": "male", "F": "female"}


def _patient(row: dict[str, Any]) -> dict[str, Any]:
    code = ID_TYPE_CODES.get(row["id_type"])
    identifier: dict[str, Any] = {
        "use": "official",
        "system": ID_SYSTEMS.get(row["id_type"], f"urn:vaccination-station:id:{row['id_type']}"),
        "value": row["id_number"],
    }
    if code:
        identifier["type"] = {
            "coding": [{"system": V2_0203, "code": code[0], "display": code[1]}],
            "text": "居民身份证",
        }
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "id": row["person_id"],
        "identifier": [identifier],
        "name": [{"text": row["name"]}],
    }
    if row["phone"]:
        out["telecom"] = [{"system": "phone", "value": row["phone"], "use": "mobile"}]
    if row["sex"] in GENDERS:
        out["gender"] = GENDERS[row["sex"]]
    if row["birth_date"]:
        out["birthDate"] = row["birth_date"]
    return out


def _immunization(
    row: dict[str, Any], rules: Rules, site: str, reactions: list[dict[str, Any]]
) -> dict[str, Any]:
    product = rules.products.get(row["product"])
    name = product.name_zh if product else row["product"]
    out: dict[str, Any] = {
        "resourceType": "Immunization",
        "id": row["event_id"],
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{row['event_id']}"}],
        "status": "completed",
        "vaccineCode": {
            "coding": [{"system": PRODUCT_SYSTEM, "code": row["product"], "display": name}],
            "text": name,
        },
        "patient": {"reference": f"Patient/{row['person_id']}"},
        "occurrenceDateTime": row["at"],
        "recorded": row["at"],
        "primarySource": True,
        "route": ROUTE_IM,
        "protocolApplied": [{"doseNumberPositiveInt": row["dose_number"]}],
    }
    maker = manufacturer(rules, row["product"], row["manufacturer"])
    if maker:
        out["manufacturer"] = {"display": maker}
    if row["lot_no"]:
        out["lotNumber"] = row["lot_no"]
    if row["expiry"]:
        out["expirationDate"] = row["expiry"]
    if row["body_site"] in SITES:
        code, display = SITES[row["body_site"]]
        out["site"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActSite",
                    "code": code,
                    "display": display,
                }
            ]
        }
    if product:
        out["doseQuantity"] = {
            "value": product.dose_ml,
            "unit": "mL",
            "system": "http://unitsofmeasure.org",
            "code": "mL",
        }
        applied = out["protocolApplied"][0]
        if row["dose_number"] <= product.primary_doses:
            applied["series"] = "primary"
            applied["seriesDosesPositiveInt"] = product.primary_doses
        else:
            applied["series"] = "booster"
    if row["vaccinator"]:
        out["performer"] = [
            {
                "function": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v2-0443",
                            "code": "AP",
                            "display": "Administering Provider",
                        }
                    ]
                },
                "actor": {"display": row["vaccinator"]},
            }
        ]
    if site:
        out["location"] = {"display": site}
    if reactions:
        out["reaction"] = [{"date": r["onset_at"] or r["at"], "reported": False} for r in reactions]
    return out


def _adverse_event(row: dict[str, Any]) -> dict[str, Any]:
    label = AEFI_LABELS.get(row["category"], row["category"])
    if row["handling"] == "transferred_to_hospital" or row["state"] != "released":
        outcome = "ongoing"
    else:
        outcome = "recovering"  # treated and left the site improving (好转)
    out: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "id": row["aefi_id"],
        "actuality": "actual",
        "event": {
            "coding": [{"system": AEFI_SYSTEM, "code": row["category"], "display": label}],
            "text": label,
        },
        "subject": {"reference": f"Patient/{row['person_id']}"},
        "date": row["onset_at"] or row["at"],
        "detected": row["onset_at"] or row["at"],
        "recordedDate": row["at"],
        "seriousness": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness",
                    "code": "serious" if row["serious"] else "non-serious",
                }
            ]
        },
        "severity": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
                    "code": row["severity"],
                }
            ]
        },
        "outcome": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/adverse-event-outcome", "code": outcome}
            ]
        },
    }
    if row["reporter"]:
        out["recorder"] = {"display": row["reporter"]}
    if row["dose_event"]:
        out["suspectEntity"] = [{"instance": {"reference": f"Immunization/{row['dose_event']}"}}]
    return out


def resources(store: Store, day: date, *, site: str = "", rules: Rules | None = None) -> list[dict[str, Any]]:
    """The day's resources: Patients first, then Immunizations, then AdverseEvents."""
    rules = rules or load_rules()
    d = day.isoformat()
    doses = store.all(
        """SELECT d.event_id, d.person_id, d.product, d.lot_no, d.dose_number, d.at, d.body_site,
                  coalesce(s.name, d.vaccinator) AS vaccinator, l.manufacturer, l.expiry
           FROM doses d LEFT JOIN lots l ON l.lot_no = d.lot_no LEFT JOIN staff s ON s.staff_id = d.vaccinator
           WHERE d.source = 'here' AND d.day = ? ORDER BY d.at, d.event_id""",
        [d],
    )
    events = store.all(
        """SELECT a.aefi_id, a.category, a.severity, a.handling, a.serious, a.onset_at, a.at, v.state,
                  v.person_id, coalesce(s.name, a.staff_id) AS reporter,
                  (SELECT event_id FROM doses x WHERE x.visit_id = a.visit_id AND x.source = 'here'
                   ORDER BY x.at LIMIT 1) AS dose_event
           FROM aefi a JOIN visits v USING (visit_id) LEFT JOIN staff s ON s.staff_id = a.staff_id
           WHERE v.day = ? ORDER BY a.at, a.aefi_id""",
        [d],
    )
    person_ids = list(dict.fromkeys([r["person_id"] for r in doses] + [r["person_id"] for r in events]))
    people = {
        r["person_id"]: r
        for r in store.all(
            """SELECT person_id, id_type, id_number, name, phone, birth_date, sex FROM people
               WHERE person_id IN (SELECT value FROM json_each(?))""",
            [json.dumps(person_ids)],
        )
    }
    by_dose: dict[str, list[dict[str, Any]]] = {}
    for e in events:
        if e["dose_event"]:
            by_dose.setdefault(e["dose_event"], []).append(e)
    out = [_patient(people[p]) for p in person_ids]
    out += [_immunization(r, rules, site, by_dose.get(r["event_id"], [])) for r in doses]
    out += [_adverse_event(e) for e in events]
    return out


def export(
    store: Store, day: date, out: Path, *, site: str = "", rules: Rules | None = None
) -> dict[str, Any]:
    """Write the day's resources to ``out`` as NDJSON (atomically); returns the count per type."""
    items = resources(store, day, site=site, rules=rules)
    text = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in items)
    pdfmod.write_atomic(Path(out), text.encode("utf-8"), error_code="report_write_failed")
    counts: dict[str, int] = {"Patient": 0, "Immunization": 0, "AdverseEvent": 0}
    for r in items:
        counts[r["resourceType"]] += 1
    return {"day": day.isoformat(), "path": str(out), **counts}
