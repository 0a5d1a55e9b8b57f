"""Vaccine products, dose schedules and the pre-screen questionnaire, read from resources/rules/*.toml.

The rules are data (see docs/rules.md); this module loads and checks them and answers three
questions: which dose is due next, may this dose be given today, and what the pre-screen
answers mean.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

from station.errors import DomainError
from station.identity import age_on
from station.paths import resource_dir

OUTCOMES = ("pass", "defer", "refuse")
KINDS = ("yesno", "temperature")
_SEVERITY = {outcome: rank for rank, outcome in enumerate(OUTCOMES)}

# Warning codes returned by Rules.check_dose (each has a message in resources/messages/rules.toml).
INTERVAL_PAST_RECOMMENDED = "interval_past_recommended"

RULE_FILES = ("products.toml", "screening.toml", "site.toml")


@dataclass(frozen=True)
class DoseRule:
    """One dose of a primary series; the interval counts from the previous dose of the series."""

    number: int
    min_days: int | None
    max_days: int | None
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Product:
    """A vaccine product and its schedule."""

    code: str
    name_zh: str
    name_en: str
    manufacturer_zh: str
    manufacturer_en: str
    doses_per_vial: int
    dose_ml: float
    primary_doses: int
    doses: tuple[DoseRule, ...]
    booster_min_days: int | None
    age_min: int
    age_max: int | None
    boosters_after: tuple[str, ...]  # primary products this product may boost
    series_family: str = ""
    route_zh: str = "肌内注射"
    route_en: str = "intramuscular"
    homologous_booster: bool = False
    heterologous_booster_allowed: tuple[str, ...] = ()

    def dose_rule(self, number: int) -> DoseRule:
        """The rule of primary dose ``number`` (1-based)."""
        return self.doses[number - 1]


@dataclass(frozen=True)
class Question:
    """A pre-screen question; ``answer_outcome`` applies to a yes (or a fever reading)."""

    id: str
    text_zh: str
    text_en: str
    kind: str
    answer_outcome: str
    reason: str  # "" for a "pass" question
    note: str | None = None


@dataclass(frozen=True)
class Reason:
    """A turn-away reason with its labels."""

    code: str
    label_zh: str
    label_en: str
    outcome: str


@dataclass(frozen=True)
class Note:
    """A note for the doctor that does not stop the vaccination."""

    code: str
    label_zh: str
    label_en: str
    extend_observation: bool = False


@dataclass(frozen=True)
class PastDose:
    """A dose a person has received."""

    product: str
    dose_number: int
    day: date


@dataclass(frozen=True)
class NextDose:
    """What is due next; ``complete`` is True when nothing more is due."""

    product: str
    dose_number: int
    is_booster: bool
    earliest: date | None
    latest_recommended: date | None
    complete: bool


@dataclass(frozen=True)
class ScreeningResult:
    """Outcome of a pre-screen: "pass", "defer" or "refuse", with reasons and notes in question order."""

    outcome: str
    reasons: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Series:
    """A person's history, cleaned: doses by number, the primary product, the last dose."""

    doses: dict[int, PastDose]
    primary: Product
    last: PastDose

    @property
    def count(self) -> int:
        return self.last.dose_number


@dataclass(frozen=True)
class Rules:
    """All rules of the site, as loaded from the rule files."""

    products: dict[str, Product]
    questions: tuple[Question, ...]
    reasons: dict[str, Reason]
    observation_minutes: int
    observation_minutes_allergy_history: int
    fever_threshold_c: float
    site: dict
    notes: dict[str, Note] = field(default_factory=dict)
    temperature_min_c: float = 35.0
    temperature_max_c: float = 42.5
    default_product: str = ""

    # --- products ---------------------------------------------------------------------------

    def product(self, code: str) -> Product:
        """The product with this code, or DomainError product_unknown."""
        try:
            return self.products[code]
        except KeyError:
            raise DomainError("product_unknown", product=code) from None

    def boosters_for(self, primary: str) -> tuple[str, ...]:
        """Codes of the products that may boost a primary series begun with ``primary``."""
        return tuple(code for code, p in self.products.items() if primary in p.boosters_after)

    # --- doses ------------------------------------------------------------------------------

    def _series(self, history: Iterable[PastDose]) -> _Series | None:
        doses = _clean_history(history)
        if not doses:
            return None
        primary = self.product(doses[min(doses)].product)
        return _Series(doses, primary, doses[max(doses)])

    def _series_limit(self, series: _Series) -> int:
        """How many doses the person's series has in all (primary plus a booster, if any is allowed)."""
        return series.primary.primary_doses + (1 if self.boosters_for(series.primary.code) else 0)

    def _check_same_series(self, primary: Product, product: Product) -> None:
        if product.series_family != primary.series_family:
            raise DomainError("series_product_mismatch", product=product.code, primary=primary.code)

    def _check_booster(self, primary: Product, product: Product) -> None:
        if primary.code not in product.boosters_after:
            raise DomainError("booster_not_allowed", product=product.code, primary=primary.code)

    def next_dose(self, history: Iterable[PastDose], product: str | None = None) -> NextDose:
        """What is due for a person with this history; ``product`` None continues their series."""
        series = self._series(history)
        if series is None:
            chosen = self.product(product or self.default_product)
            return NextDose(chosen.code, 1, False, None, None, False)
        primary, last, n = series.primary, series.last, series.count
        if n >= self._series_limit(series):
            return NextDose(last.product, n, n > primary.primary_doses, None, None, True)
        if n < primary.primary_doses:
            chosen = self.product(product or primary.code)
            self._check_same_series(primary, chosen)
            rule = chosen.dose_rule(n + 1)
            earliest = last.day + timedelta(days=rule.min_days or 0)
            latest = None if rule.max_days is None else last.day + timedelta(days=rule.max_days)
            return NextDose(chosen.code, n + 1, False, earliest, latest, False)
        allowed = self.boosters_for(primary.code)
        chosen = self.product(product or (primary.code if primary.code in allowed else allowed[0]))
        self._check_booster(primary, chosen)
        earliest = last.day + timedelta(days=chosen.booster_min_days or 0)
        return NextDose(chosen.code, n + 1, True, earliest, None, False)

    def check_dose(
        self,
        history: Iterable[PastDose],
        product: str,
        dose_number: int,
        on: date,
        birth_date: date | None = None,
    ) -> list[str]:
        """Refuse (DomainError) a dose that may not be given ``on`` this day; return warning codes."""
        chosen = self.product(product)
        if birth_date is not None:
            if on < birth_date:
                raise DomainError("birth_after_dose", birth=birth_date.isoformat(), on=on.isoformat())
            age = age_on(birth_date, on)
            if age < chosen.age_min:
                raise DomainError("age_below_minimum", min_age=chosen.age_min, age=age)
            if chosen.age_max is not None and age > chosen.age_max:
                raise DomainError("age_above_maximum", max_age=chosen.age_max, age=age)
        series = self._series(history)
        if series is None:
            if dose_number != 1:
                raise DomainError("dose_number_wrong", expected=1, given=dose_number)
            return []
        primary, last, n = series.primary, series.last, series.count
        if n >= self._series_limit(series):
            raise DomainError("series_complete", doses=n)
        if dose_number != n + 1:
            raise DomainError("dose_number_wrong", expected=n + 1, given=dose_number)
        if n < primary.primary_doses:
            self._check_same_series(primary, chosen)
            rule = chosen.dose_rule(n + 1)
            min_days = rule.min_days or 0
            earliest = last.day + timedelta(days=min_days)
            if on < earliest:
                raise DomainError(
                    "dose_interval_too_short",
                    min_days=min_days,
                    earliest=earliest.isoformat(),
                    previous=last.day.isoformat(),
                )
            if rule.max_days is not None and on > last.day + timedelta(days=rule.max_days):
                return [INTERVAL_PAST_RECOMMENDED]
            return []
        self._check_booster(primary, chosen)
        min_days = chosen.booster_min_days or 0
        earliest = last.day + timedelta(days=min_days)
        if on < earliest:
            raise DomainError("booster_too_early", min_days=min_days, earliest=earliest.isoformat())
        return []

    # --- pre-screen -------------------------------------------------------------------------

    def assess(self, answers: Mapping[str, bool], temperature_c: float | None) -> ScreeningResult:
        """Judge the pre-screen answers (yes/no by question id) and the temperature reading."""
        yesno = {q.id for q in self.questions if q.kind == "yesno"}
        for key in answers:
            if key not in yesno:
                raise DomainError("screening_unknown_question", question=key)
        if temperature_c is not None and not (
            self.temperature_min_c <= temperature_c <= self.temperature_max_c
        ):
            raise DomainError(
                "temperature_implausible",
                temperature=temperature_c,
                min=self.temperature_min_c,
                max=self.temperature_max_c,
            )
        outcome, reasons, notes = "pass", [], []
        for q in self.questions:
            if q.kind == "temperature":
                if temperature_c is None:
                    raise DomainError("screening_incomplete", question=q.id)
                hit = temperature_c >= self.fever_threshold_c
            else:
                answer = answers.get(q.id)
                if answer is None:
                    raise DomainError("screening_incomplete", question=q.id)
                hit = bool(answer)
            if not hit:
                continue
            if q.answer_outcome == "pass":
                if q.note:
                    notes.append(q.note)
                continue
            reasons.append(q.reason)
            if _SEVERITY[q.answer_outcome] > _SEVERITY[outcome]:
                outcome = q.answer_outcome
        return ScreeningResult(outcome, tuple(reasons), tuple(notes))

    def observation_minutes_for(self, result: ScreeningResult) -> int:
        """Suggested observation time: longer when a note asks for it (the doctor may extend any)."""
        if any(self.notes[n].extend_observation for n in result.notes if n in self.notes):
            return self.observation_minutes_allergy_history
        return self.observation_minutes


def _clean_history(history: Iterable[PastDose]) -> dict[int, PastDose]:
    """Doses by number, sorted by day; a dose number entered twice counts once (the earliest)."""
    by_number: dict[int, PastDose] = {}
    for dose in sorted(history, key=lambda d: (d.day, d.dose_number)):
        by_number.setdefault(dose.dose_number, dose)
    return by_number


# --- loading ---------------------------------------------------------------------------------


def load_rules(folder: Path | None = None) -> Rules:
    """Load and check the rule files in ``folder`` (default: the bundled resources/rules, cached)."""
    if folder is None:
        return _load_default()
    return _load(Path(folder))


@lru_cache(maxsize=1)
def _load_default() -> Rules:
    return _load(resource_dir() / "rules")


_TIME_RE = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class _File:
    """Typed reads from one parsed rule file; any fault is DomainError rules_invalid."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        path = folder / name
        try:
            with path.open("rb") as fh:
                self.data = tomllib.load(fh)
        except FileNotFoundError:
            self.fail("file missing")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            self.fail(f"not valid TOML: {exc}")
        except OSError as exc:
            self.fail(f"cannot read: {exc}")

    def fail(self, detail: str) -> NoReturn:
        raise DomainError("rules_invalid", file=self.name, detail=detail)

    def table(self, parent: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = parent.get(key)
        if not isinstance(value, dict):
            self.fail(f"{where}{key}: a table is required")
        return value

    def only(self, table: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            self.fail(f"{where}: unknown key(s) {', '.join(unknown)}")

    def get(self, table: Mapping[str, Any], key: str, kind: str, where: str, required: bool = True) -> Any:
        if key not in table:
            if required:
                self.fail(f"{where}: missing key {key!r}")
            return None
        value = table[key]
        ok = {
            "str": isinstance(value, str) and value.strip() != "",
            "int": isinstance(value, int) and not isinstance(value, bool) and value >= 0,
            "num": isinstance(value, int | float) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "strs": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[kind]
        if not ok:
            wanted = {
                "str": "a non-empty string",
                "int": "a whole number >= 0",
                "num": "a number",
                "bool": "true or false",
                "strs": "a list of strings",
            }[kind]
            self.fail(f"{where}: {key!r} must be {wanted}, got {value!r}")
        return value


_PRODUCT_KEYS = (
    "name_zh", "name_en", "manufacturer_zh", "manufacturer_en", "series_family", "route_zh", "route_en",
    "doses_per_vial", "dose_ml", "age_min", "age_max", "primary_doses", "booster_min_days",
    "homologous_booster", "heterologous_booster_allowed", "doses",
)  # fmt: skip
_DOSE_KEYS = ("number", "min_days", "max_days", "label_zh", "label_en")


def _load_products(f: _File) -> dict[str, Product]:
    f.only(f.data, ("products",), "products.toml")
    table = f.table(f.data, "products", "")
    if not table:
        f.fail("no products")
    raw: dict[str, dict[str, Any]] = {}
    for code, p in table.items():
        where = f"products.{code}"
        if not isinstance(p, dict):
            f.fail(f"{where}: a table is required")
        f.only(p, _PRODUCT_KEYS, where)
        primary_doses = f.get(p, "primary_doses", "int", where)
        if primary_doses < 1:
            f.fail(f"{where}: primary_doses must be at least 1")
        doses_raw = p.get("doses")
        if not isinstance(doses_raw, list) or len(doses_raw) != primary_doses:
            f.fail(f"{where}: needs exactly {primary_doses} [[{where}.doses]] tables (primary_doses)")
        doses = []
        for i, d in enumerate(doses_raw, start=1):
            dwhere = f"{where}.doses[{i}]"
            if not isinstance(d, dict):
                f.fail(f"{dwhere}: a table is required")
            f.only(d, _DOSE_KEYS, dwhere)
            if f.get(d, "number", "int", dwhere) != i:
                f.fail(f"{dwhere}: number must be {i} (doses in order from 1)")
            min_days = f.get(d, "min_days", "int", dwhere, required=i > 1)
            max_days = f.get(d, "max_days", "int", dwhere, required=False)
            if i == 1 and (min_days is not None or max_days is not None):
                f.fail(f"{dwhere}: the first dose has no interval")
            if max_days is not None and max_days < min_days:
                f.fail(f"{dwhere}: max_days is below min_days")
            doses.append(
                DoseRule(
                    i,
                    min_days,
                    max_days,
                    f.get(d, "label_zh", "str", dwhere),
                    f.get(d, "label_en", "str", dwhere),
                )
            )
        age_min = f.get(p, "age_min", "int", where)
        age_max = f.get(p, "age_max", "int", where, required=False)
        if age_max is not None and age_max < age_min:
            f.fail(f"{where}: age_max is below age_min")
        dose_ml = f.get(p, "dose_ml", "num", where)
        if dose_ml <= 0:
            f.fail(f"{where}: dose_ml must be above 0")
        doses_per_vial = f.get(p, "doses_per_vial", "int", where)
        if doses_per_vial < 1:
            f.fail(f"{where}: doses_per_vial must be at least 1")
        raw[code] = dict(
            code=code,
            name_zh=f.get(p, "name_zh", "str", where),
            name_en=f.get(p, "name_en", "str", where),
            manufacturer_zh=f.get(p, "manufacturer_zh", "str", where),
            manufacturer_en=f.get(p, "manufacturer_en", "str", where),
            doses_per_vial=doses_per_vial,
            dose_ml=float(dose_ml),
            primary_doses=primary_doses,
            doses=tuple(doses),
            booster_min_days=f.get(p, "booster_min_days", "int", where, required=False),
            age_min=age_min,
            age_max=age_max,
            series_family=f.get(p, "series_family", "str", where, required=False) or code,
            route_zh=f.get(p, "route_zh", "str", where),
            route_en=f.get(p, "route_en", "str", where),
            homologous_booster=f.get(p, "homologous_booster", "bool", where, required=False) or False,
            heterologous_booster_allowed=tuple(
                f.get(p, "heterologous_booster_allowed", "strs", where, required=False) or ()
            ),
        )
    families: dict[str, int] = {}
    for code, p in raw.items():
        seen = families.setdefault(p["series_family"], p["primary_doses"])
        if seen != p["primary_doses"]:
            f.fail(
                f"products.{code}: products of series_family {p['series_family']!r} differ in primary_doses"
            )
        for other in p["heterologous_booster_allowed"]:
            if other not in raw:
                f.fail(f"products.{code}: heterologous_booster_allowed names unknown product {other!r}")
    products = {}
    for code, p in raw.items():
        after = tuple(
            primary
            for primary, q in raw.items()
            if (q["homologous_booster"] and q["series_family"] == p["series_family"])
            or code in q["heterologous_booster_allowed"]
        )
        if after and p["booster_min_days"] is None:
            f.fail(f"products.{code}: may be given as a booster, so booster_min_days is required")
        products[code] = Product(boosters_after=after, **p)
    return products


def _load_screening(f: _File) -> tuple[tuple[Question, ...], dict[str, Reason], dict[str, Note]]:
    f.only(f.data, ("questions", "reasons", "notes"), "screening.toml")
    reasons: dict[str, Reason] = {}
    for code, r in f.table(f.data, "reasons", "").items():
        where = f"reasons.{code}"
        if not isinstance(r, dict):
            f.fail(f"{where}: a table is required")
        f.only(r, ("label_zh", "label_en", "outcome"), where)
        outcome = f.get(r, "outcome", "str", where)
        if outcome not in ("defer", "refuse"):
            f.fail(f"{where}: outcome must be defer or refuse, got {outcome!r}")
        reasons[code] = Reason(
            code, f.get(r, "label_zh", "str", where), f.get(r, "label_en", "str", where), outcome
        )
    notes: dict[str, Note] = {}
    for code, n in (f.data.get("notes") or {}).items():
        where = f"notes.{code}"
        if not isinstance(n, dict):
            f.fail(f"{where}: a table is required")
        f.only(n, ("label_zh", "label_en", "extend_observation"), where)
        notes[code] = Note(
            code,
            f.get(n, "label_zh", "str", where),
            f.get(n, "label_en", "str", where),
            f.get(n, "extend_observation", "bool", where, required=False) or False,
        )
    raw_questions = f.data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        f.fail("at least one [[questions]] table is required")
    questions: list[Question] = []
    for i, q in enumerate(raw_questions, start=1):
        where = f"questions[{i}]"
        if not isinstance(q, dict):
            f.fail(f"{where}: a table is required")
        f.only(q, ("id", "kind", "text_zh", "text_en", "answer_outcome", "reason", "note"), where)
        qid = f.get(q, "id", "str", where)
        where = f"questions[{i}] ({qid})"
        if any(other.id == qid for other in questions):
            f.fail(f"{where}: id used twice")
        kind = f.get(q, "kind", "str", where)
        if kind not in KINDS:
            f.fail(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        outcome = f.get(q, "answer_outcome", "str", where)
        if outcome not in OUTCOMES:
            f.fail(f"{where}: answer_outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
        reason = f.get(q, "reason", "str", where, required=outcome != "pass") or ""
        note = f.get(q, "note", "str", where, required=False)
        if outcome == "pass":
            if reason:
                f.fail(f"{where}: a pass answer takes a note, not a reason")
        elif reason not in reasons:
            f.fail(f"{where}: reason {reason!r} is not in [reasons]")
        elif reasons[reason].outcome != outcome:
            other = reasons[reason].outcome
            f.fail(f"{where}: reason {reason!r} has outcome {other!r}, the question {outcome!r}")
        if note is not None and note not in notes:
            f.fail(f"{where}: note {note!r} is not in [notes]")
        questions.append(
            Question(
                qid,
                f.get(q, "text_zh", "str", where),
                f.get(q, "text_en", "str", where),
                kind,
                outcome,
                reason,
                note,
            )
        )
    if sum(q.kind == "temperature" for q in questions) > 1:
        f.fail("only one temperature question is allowed")
    return tuple(questions), reasons, notes


def _load_site(f: _File, products: Mapping[str, Product]) -> dict[str, Any]:
    site = dict(f.data)
    for key in ("observation_minutes", "observation_minutes_allergy_history"):
        if f.get(site, key, "int", "site.toml") < 1:
            f.fail(f"{key} must be at least 1")
    low = f.get(site, "temperature_min_c", "num", "site.toml")
    high = f.get(site, "temperature_max_c", "num", "site.toml")
    fever = f.get(site, "fever_threshold_c", "num", "site.toml")
    if not low < fever < high:
        f.fail("need temperature_min_c < fever_threshold_c < temperature_max_c")
    if f.get(site, "default_product", "str", "site.toml") not in products:
        f.fail(f"default_product {site['default_product']!r} is not in products.toml")
    for key in ("day_start", "day_end"):
        if not _TIME_RE.fullmatch(f.get(site, key, "str", "site.toml")):
            f.fail(f"{key} must be HH:MM, got {site[key]!r}")
    lunch = f.get(site, "lunch", "str", "site.toml", required=False)
    if lunch is not None:
        parts = lunch.split("-")
        if len(parts) != 2 or not all(_TIME_RE.fullmatch(p.strip()) for p in parts):
            f.fail(f"lunch must be HH:MM-HH:MM, got {lunch!r}")
    return site


def _load(folder: Path) -> Rules:
    products = _load_products(_File(folder, "products.toml"))
    questions, reasons, notes = _load_screening(_File(folder, "screening.toml"))
    site = _load_site(_File(folder, "site.toml"), products)
    return Rules(
        products=products,
        questions=questions,
        reasons=reasons,
        observation_minutes=site["observation_minutes"],
        observation_minutes_allergy_history=site["observation_minutes_allergy_history"],
        fever_threshold_c=float(site["fever_threshold_c"]),
        site=site,
        notes=notes,
        temperature_min_c=float(site["temperature_min_c"]),
        temperature_max_c=float(site["temperature_max_c"]),
        default_product=site["default_product"],
    )
