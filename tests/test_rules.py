"""Rules as data: products and dose schedules, the pre-screen questionnaire, the rule files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.errors import DomainError
from station.messages import catalogue, placeholders
from station.paths import resource_dir
from station.rules import (
    INTERVAL_PAST_RECOMMENDED,
    PastDose,
    Rules,
    ScreeningResult,
    load_rules,
)

RULES = load_rules()
D0 = date(2021, 6, 1)
ADULT = date(1980, 5, 20)
ALL_NO = {q.id: False for q in RULES.questions if q.kind == "yesno"}


def days(n: int) -> timedelta:
    return timedelta(days=n)


def expect_error(code: str, fn, *args, **kwargs) -> dict:
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.as_dict()
    return info.value.facts


def primary_history(product: str, start: date = D0, gap: int | None = None) -> list[PastDose]:
    """A complete primary series of ``product`` at the minimum intervals (or ``gap`` days)."""
    p = RULES.product(product)
    out, day = [PastDose(product, 1, start)], start
    for rule in p.doses[1:]:
        day = day + days(gap if gap is not None else rule.min_days)
        out.append(PastDose(product, rule.number, day))
    return out


# --- the bundled rule files ------------------------------------------------------------------


def test_bundled_rules_load_and_are_cached():
    assert load_rules() is load_rules()
    assert set(RULES.products) == {"sinopharm_bbibp", "sinovac_coronavac", "cansino_ad5", "zhifei_zf2001"}
    assert RULES.observation_minutes == 30
    assert RULES.observation_minutes_allergy_history == 60
    assert RULES.fever_threshold_c == 37.3
    assert RULES.site["day_start"] == "07:30" and RULES.site["lunch"] == "12:30-14:00"
    assert RULES.default_product in RULES.products


def test_load_from_a_folder_is_not_the_cached_copy():
    rules = load_rules(resource_dir() / "rules")
    assert rules is not RULES and rules == RULES


@pytest.mark.parametrize(
    "code, primary, ages, schedule",
    [
        ("sinopharm_bbibp", 2, (3, None), [(None, None), (21, 56)]),
        ("sinovac_coronavac", 2, (3, None), [(None, None), (21, 56)]),
        ("cansino_ad5", 1, (18, None), [(None, None)]),
        ("zhifei_zf2001", 3, (18, None), [(None, None), (28, 56), (28, 124)]),
    ],
)
def test_product_data(code, primary, ages, schedule):
    p = RULES.product(code)
    assert p.primary_doses == primary
    assert (p.age_min, p.age_max) == ages
    assert [(d.min_days, d.max_days) for d in p.doses] == schedule
    assert [d.number for d in p.doses] == list(range(1, primary + 1))
    assert p.booster_min_days == 180
    assert p.route_zh == "肌内注射" and p.dose_ml == 0.5 and p.doses_per_vial == 1
    assert p.name_zh and p.name_en and p.manufacturer_zh and p.manufacturer_en


def test_boosters_after():
    inactivated = ("sinopharm_bbibp", "sinovac_coronavac")
    for code in ("sinopharm_bbibp", "sinovac_coronavac", "zhifei_zf2001"):
        assert RULES.product(code).boosters_after == inactivated
    assert RULES.product("cansino_ad5").boosters_after == (*inactivated, "cansino_ad5")
    assert RULES.boosters_for("zhifei_zf2001") == ()


def test_product_unknown():
    assert expect_error("product_unknown", RULES.product, "pfizer") == {"product": "pfizer"}
    expect_error("product_unknown", RULES.check_dose, [], "pfizer", 1, D0, ADULT)
    expect_error("product_unknown", RULES.next_dose, [], "pfizer")


def _codes_raised() -> set[str]:
    src = (Path(__file__).resolve().parent.parent / "station" / "rules.py").read_text("utf-8")
    return set(re.findall(r'DomainError\(\s*"(\w+)"', src))


def test_every_code_has_zh_and_en_messages_with_the_same_placeholders():
    codes = _codes_raised() | {INTERVAL_PAST_RECOMMENDED}
    assert {"rules_invalid", "dose_interval_too_short", "temperature_implausible"} <= codes
    texts = catalogue()
    for code in codes:
        assert set(texts[code]) >= {"zh", "en"}, code
        assert placeholders(texts[code]["zh"]) == placeholders(texts[code]["en"]), code
    assert placeholders(texts[INTERVAL_PAST_RECOMMENDED]["zh"]) == set()


def test_messages_render_with_the_facts():
    err = DomainError("dose_interval_too_short", min_days=21, earliest="2021-06-22", previous="2021-06-01")
    assert err.message("zh") == "距上一剂次（2021-06-01）不足 21 天，最早可于 2021-06-22 接种"
    assert "earliest 2021-06-22" in err.message("en")


# --- primary series ----------------------------------------------------------------------------


SCHEDULE_CASES = [
    (code, rule.number)
    for code, product in RULES.products.items()
    for rule in product.doses
    if rule.number > 1
]


@pytest.mark.parametrize("code, number", SCHEDULE_CASES)
def test_interval_boundaries(code, number):
    p = RULES.product(code)
    rule = p.dose_rule(number)
    history = primary_history(code)[: number - 1]
    prev = history[-1].day
    facts = expect_error(
        "dose_interval_too_short",
        RULES.check_dose,
        history,
        code,
        number,
        prev + days(rule.min_days - 1),
        ADULT,
    )
    assert facts == {
        "min_days": rule.min_days,
        "earliest": (prev + days(rule.min_days)).isoformat(),
        "previous": prev.isoformat(),
    }
    assert RULES.check_dose(history, code, number, prev + days(rule.min_days), ADULT) == []
    assert RULES.check_dose(history, code, number, prev + days(rule.max_days), ADULT) == []
    late = prev + days(rule.max_days + 1)
    assert RULES.check_dose(history, code, number, late, ADULT) == [INTERVAL_PAST_RECOMMENDED]
    assert RULES.check_dose(history, code, number, prev + days(400), ADULT) == [INTERVAL_PAST_RECOMMENDED]


@pytest.mark.parametrize("code, number", SCHEDULE_CASES)
def test_next_dose_in_the_primary_series(code, number):
    rule = RULES.product(code).dose_rule(number)
    history = primary_history(code)[: number - 1]
    prev = history[-1].day
    assert RULES.next_dose(history) == RULES.next_dose(history, code)
    nxt = RULES.next_dose(history)
    assert (nxt.product, nxt.dose_number, nxt.is_booster, nxt.complete) == (code, number, False, False)
    assert nxt.earliest == prev + days(rule.min_days)
    assert nxt.latest_recommended == prev + days(rule.max_days)


def test_first_dose():
    nxt = RULES.next_dose([])
    assert nxt.product == RULES.default_product == "sinopharm_bbibp"
    fields = (nxt.dose_number, nxt.is_booster, nxt.earliest, nxt.latest_recommended, nxt.complete)
    assert fields == (1, False, None, None, False)
    assert RULES.next_dose([], "zhifei_zf2001").product == "zhifei_zf2001"
    for code in RULES.products:
        assert RULES.check_dose([], code, 1, D0, ADULT) == []
    assert RULES.check_dose([], "cansino_ad5", 1, D0, None) == []


def test_dose_number_wrong():
    assert expect_error("dose_number_wrong", RULES.check_dose, [], "sinopharm_bbibp", 2, D0, ADULT) == {
        "expected": 1,
        "given": 2,
    }
    history = [PastDose("sinopharm_bbibp", 1, D0)]
    for given_number in (1, 3):
        facts = expect_error(
            "dose_number_wrong",
            RULES.check_dose,
            history,
            "sinopharm_bbibp",
            given_number,
            D0 + days(30),
            ADULT,
        )
        assert facts == {"expected": 2, "given": given_number}


def test_inactivated_products_mix_in_the_primary_series():
    history = [PastDose("sinopharm_bbibp", 1, D0)]
    assert RULES.check_dose(history, "sinovac_coronavac", 2, D0 + days(21), ADULT) == []
    assert RULES.next_dose(history, "sinovac_coronavac").product == "sinovac_coronavac"
    assert RULES.next_dose(history).product == "sinopharm_bbibp"
    expect_error(
        "dose_interval_too_short", RULES.check_dose, history, "sinovac_coronavac", 2, D0 + days(20), ADULT
    )


@pytest.mark.parametrize("product", ["cansino_ad5", "zhifei_zf2001"])
def test_other_families_cannot_continue_an_inactivated_primary_series(product):
    history = [PastDose("sinopharm_bbibp", 1, D0)]
    facts = expect_error(
        "series_product_mismatch", RULES.check_dose, history, product, 2, D0 + days(30), ADULT
    )
    assert facts == {"product": product, "primary": "sinopharm_bbibp"}
    expect_error("series_product_mismatch", RULES.next_dose, history, product)


def test_history_unsorted_with_duplicates():
    clean = primary_history("zhifei_zf2001")[:2]
    messy = [clean[1], PastDose("zhifei_zf2001", 2, clean[1].day + days(5)), clean[0], clean[0]]
    assert RULES.next_dose(messy) == RULES.next_dose(clean)
    # the earliest of two entries of dose 2 counts, so dose 3 is due 28 days after it
    assert RULES.next_dose(messy).earliest == clean[1].day + days(28)
    on = clean[1].day + days(28)
    assert RULES.check_dose(messy, "zhifei_zf2001", 3, on, ADULT) == []


# --- booster -----------------------------------------------------------------------------------


@pytest.mark.parametrize("primary", ["sinopharm_bbibp", "sinovac_coronavac"])
@pytest.mark.parametrize("booster", ["sinopharm_bbibp", "sinovac_coronavac", "cansino_ad5", "zhifei_zf2001"])
def test_booster_after_inactivated_primary(primary, booster):
    history = primary_history(primary)
    last = history[-1].day
    facts = expect_error("booster_too_early", RULES.check_dose, history, booster, 3, last + days(179), ADULT)
    assert facts == {"min_days": 180, "earliest": (last + days(180)).isoformat()}
    assert RULES.check_dose(history, booster, 3, last + days(180), ADULT) == []
    assert RULES.check_dose(history, booster, 3, last + days(900), ADULT) == []
    nxt = RULES.next_dose(history, booster)
    assert (nxt.product, nxt.dose_number, nxt.is_booster, nxt.complete) == (booster, 3, True, False)
    assert nxt.earliest == last + days(180) and nxt.latest_recommended is None


def test_default_booster_is_homologous():
    nxt = RULES.next_dose(primary_history("sinovac_coronavac"))
    assert (nxt.product, nxt.is_booster) == ("sinovac_coronavac", True)
    nxt = RULES.next_dose(primary_history("cansino_ad5"))
    assert (nxt.product, nxt.dose_number, nxt.is_booster) == ("cansino_ad5", 2, True)
    assert nxt.earliest == D0 + days(180)


def test_cansino_primary_takes_only_a_cansino_booster():
    history = primary_history("cansino_ad5")
    assert RULES.check_dose(history, "cansino_ad5", 2, D0 + days(180), ADULT) == []
    expect_error("booster_too_early", RULES.check_dose, history, "cansino_ad5", 2, D0 + days(179), ADULT)
    for other in ("sinopharm_bbibp", "zhifei_zf2001"):
        facts = expect_error(
            "booster_not_allowed", RULES.check_dose, history, other, 2, D0 + days(200), ADULT
        )
        assert facts == {"product": other, "primary": "cansino_ad5"}
        expect_error("booster_not_allowed", RULES.next_dose, history, other)


def test_zhifei_three_doses_complete_the_series():
    history = primary_history("zhifei_zf2001")
    nxt = RULES.next_dose(history)
    assert nxt.complete and (nxt.product, nxt.dose_number, nxt.is_booster) == ("zhifei_zf2001", 3, False)
    assert RULES.next_dose(history, "cansino_ad5").complete
    for product in ("zhifei_zf2001", "cansino_ad5"):
        facts = expect_error("series_complete", RULES.check_dose, history, product, 4, D0 + days(400), ADULT)
        assert facts == {"doses": 3}


def test_series_complete_after_the_booster():
    history = [*primary_history("sinopharm_bbibp"), PastDose("zhifei_zf2001", 3, D0 + days(300))]
    nxt = RULES.next_dose(history)
    assert nxt.complete and (nxt.product, nxt.dose_number, nxt.is_booster) == ("zhifei_zf2001", 3, True)
    expect_error("series_complete", RULES.check_dose, history, "sinopharm_bbibp", 4, D0 + days(900), ADULT)
    expect_error("series_complete", RULES.check_dose, history, "sinopharm_bbibp", 3, D0 + days(900), ADULT)


# --- ages --------------------------------------------------------------------------------------


MIN_AGES = [("sinopharm_bbibp", 3), ("sinovac_coronavac", 3), ("cansino_ad5", 18), ("zhifei_zf2001", 18)]


@pytest.mark.parametrize("code, min_age", MIN_AGES)
def test_minimum_age_boundary(code, min_age):
    on = date(2021, 9, 15)
    birthday = date(on.year - min_age, on.month, on.day)
    assert RULES.check_dose([], code, 1, on, birthday) == []
    facts = expect_error("age_below_minimum", RULES.check_dose, [], code, 1, on, birthday + days(1))
    assert facts == {"min_age": min_age, "age": min_age - 1}
    assert RULES.check_dose([], code, 1, on, date(1921, 1, 1)) == []  # no upper limit


def test_born_on_29_february_turns_older_on_1_march():
    leap_birth = date(2016, 2, 29)
    expect_error(
        "age_below_minimum", RULES.check_dose, [], "sinopharm_bbibp", 1, date(2019, 2, 28), leap_birth
    )
    assert RULES.check_dose([], "sinopharm_bbibp", 1, date(2019, 3, 1), leap_birth) == []


def test_birth_after_the_dose_day():
    facts = expect_error("birth_after_dose", RULES.check_dose, [], "sinopharm_bbibp", 1, D0, D0 + days(1))
    assert facts == {"birth": "2021-06-02", "on": "2021-06-01"}


def test_age_is_checked_before_the_schedule():
    child = date(2015, 1, 1)
    expect_error("age_below_minimum", RULES.check_dose, [], "cansino_ad5", 2, D0, child)


# --- the pre-screen ----------------------------------------------------------------------------


EXPECTED_QUESTIONS = {
    "acute_illness": ("defer", ("acute_illness",), ()),
    "allergy_vaccine_component": ("refuse", ("allergy_vaccine_component",), ()),
    "allergy_previous_dose": ("refuse", ("allergy_previous_dose",), ()),
    "allergy_history": ("pass", (), ("allergy_history_note",)),
    "neuro_disease": ("refuse", ("neuro_disease",), ()),
    "chronic_uncontrolled": ("defer", ("chronic_uncontrolled",), ()),
    "pregnancy": ("defer", ("pregnancy",), ()),
    "breastfeeding": ("pass", (), ()),
    "immunocompromised": ("pass", (), ("immunocompromised_note",)),
    "recent_other_vaccine": ("defer", ("recent_other_vaccine",), ()),
}


def test_questionnaire_is_complete():
    assert set(ALL_NO) == set(EXPECTED_QUESTIONS)
    assert [q.id for q in RULES.questions if q.kind == "temperature"] == ["temperature"]
    for q in RULES.questions:
        assert q.text_zh and q.text_en


def test_all_clear_passes():
    assert RULES.assess(ALL_NO, 36.5) == ScreeningResult("pass", (), ())


@pytest.mark.parametrize("question", sorted(EXPECTED_QUESTIONS))
def test_each_question(question):
    outcome, reasons, notes = EXPECTED_QUESTIONS[question]
    assert RULES.assess({**ALL_NO, question: True}, 36.5) == ScreeningResult(outcome, reasons, notes)


@pytest.mark.parametrize(
    "temperature, outcome", [(36.0, "pass"), (37.2, "pass"), (37.3, "defer"), (39.5, "defer")]
)
def test_fever_threshold(temperature, outcome):
    result = RULES.assess(ALL_NO, temperature)
    assert result.outcome == outcome
    assert result.reasons == (("fever",) if outcome == "defer" else ())


@pytest.mark.parametrize("temperature", [34.9, 20.0, 42.6, 373.0, -1.0])
def test_implausible_temperature(temperature):
    facts = expect_error("temperature_implausible", RULES.assess, ALL_NO, temperature)
    assert facts == {"temperature": temperature, "min": 35.0, "max": 42.5}


@pytest.mark.parametrize("temperature", [35.0, 42.5])
def test_temperature_range_edges_are_plausible(temperature):
    assert RULES.assess(ALL_NO, temperature).outcome in ("pass", "defer")


def test_worst_outcome_wins_and_reasons_keep_question_order():
    answers = {**ALL_NO, "recent_other_vaccine": True, "neuro_disease": True, "immunocompromised": True}
    result = RULES.assess(answers, 38.0)
    assert result.outcome == "refuse"
    assert result.reasons == ("fever", "neuro_disease", "recent_other_vaccine")
    assert result.notes == ("immunocompromised_note",)
    result = RULES.assess({**ALL_NO, "pregnancy": True, "breastfeeding": True}, 36.5)
    assert (result.outcome, result.reasons) == ("defer", ("pregnancy",))


def test_incomplete_answers():
    partial = dict(ALL_NO)
    del partial["pregnancy"]
    assert expect_error("screening_incomplete", RULES.assess, partial, 36.5) == {"question": "pregnancy"}
    assert expect_error("screening_incomplete", RULES.assess, {**ALL_NO, "acute_illness": None}, 36.5) == {
        "question": "acute_illness"
    }
    assert expect_error("screening_incomplete", RULES.assess, ALL_NO, None) == {"question": "temperature"}
    expect_error("screening_incomplete", RULES.assess, {}, 36.5)


def test_unknown_question():
    facts = expect_error("screening_unknown_question", RULES.assess, {**ALL_NO, "covid_contact": True}, 36.5)
    assert facts == {"question": "covid_contact"}
    expect_error("screening_unknown_question", RULES.assess, {**ALL_NO, "temperature": False}, 36.5)


def test_reasons_have_labels_and_cover_the_questions_and_general_turn_aways():
    general = {
        "no_id_document",
        "too_early_for_dose",
        "age_not_eligible",
        "declined_by_person",
        "other",
        "series_complete",
    }
    from_questions = {q.reason for q in RULES.questions if q.answer_outcome != "pass"}
    assert general | from_questions == set(RULES.reasons)
    assert RULES.reasons["no_id_document"].label_zh == "未携带身份证件"
    assert RULES.reasons["declined_by_person"].label_zh == "本人拒绝接种"
    assert RULES.reasons["too_early_for_dose"].label_zh == "未到接种间隔"
    for reason in RULES.reasons.values():
        assert reason.label_zh and reason.label_en and reason.outcome in ("defer", "refuse")
    for note in ("allergy_history_note", "immunocompromised_note"):
        assert RULES.notes[note].label_zh and RULES.notes[note].label_en


def test_observation_minutes():
    assert RULES.observation_minutes_for(RULES.assess(ALL_NO, 36.5)) == 30
    assert RULES.observation_minutes_for(RULES.assess({**ALL_NO, "immunocompromised": True}, 36.5)) == 30
    assert RULES.observation_minutes_for(RULES.assess({**ALL_NO, "allergy_history": True}, 36.5)) == 60


# --- malformed rule files ----------------------------------------------------------------------


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(resource_dir() / "rules", folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = folder / name
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), "utf-8")


def test_copied_rules_load(rules_dir):
    assert load_rules(rules_dir) == RULES


MALFORMED = [
    (
        "products.toml",
        'name_en = "CanSino Ad5-nCoV (adenovirus type 5 vector)"\n',
        "",
        "missing key 'name_en'",
    ),
    ("products.toml", "primary_doses = 3", "primary_doses = 2", "needs exactly 2"),
    ("products.toml", "age_min = 18", 'age_min = "18"', "'age_min' must be"),
    ("products.toml", "age_min = 18", "age_min = 18\nage_maximum = 60", "unknown key(s) age_maximum"),
    ("products.toml", "min_days = 21 ", "min_days = 60 ", "max_days is below min_days"),
    (
        "products.toml",
        '"cansino_ad5", "zhifei_zf2001"]',
        '"cansino_ad5", "pfizer"]',
        "unknown product 'pfizer'",
    ),
    ("products.toml", "number = 2", "number = 3", "number must be 2"),
    (
        "products.toml",
        "booster_min_days = 180      # also",
        "# booster_min_days",
        "booster_min_days is required",
    ),
    (
        "screening.toml",
        'answer_outcome = "refuse"',
        'answer_outcome = "refused"',
        "answer_outcome must be one of",
    ),
    ("screening.toml", '\nkind = "yesno"', '\nkind = "yes/no"', "kind must be one of"),
    (
        "screening.toml",
        'reason = "pregnancy"',
        'reason = "pregnant"',
        "reason 'pregnant' is not in [reasons]",
    ),
    ("screening.toml", '\noutcome = "defer"', '\noutcome = "later"', "outcome must be defer or refuse"),
    ("screening.toml", '\noutcome = "defer"', '\noutcome = "refuse"', "has outcome 'refuse'"),
    ("screening.toml", 'id = "pregnancy"', 'id = "acute_illness"', "id used twice"),
    ("screening.toml", 'note = "immunocompromised_note"', 'note = "x"', "note 'x' is not in [notes]"),
    ("screening.toml", 'text_en = "Is the person pregnant?"\n', "", "missing key 'text_en'"),
    ("site.toml", "observation_minutes = 30\n", "", "missing key 'observation_minutes'"),
    (
        "site.toml",
        "fever_threshold_c = 37.3",
        "fever_threshold_c = 43",
        "temperature_min_c < fever_threshold_c",
    ),
    ("site.toml", 'default_product = "sinopharm_bbibp"', 'default_product = "x"', "default_product 'x'"),
    ("site.toml", 'day_start = "07:30"', 'day_start = "7.30"', "day_start must be HH:MM"),
    ("site.toml", 'lunch = "12:30-14:00"', 'lunch = "noon"', "lunch must be HH:MM-HH:MM"),
]


@pytest.mark.parametrize("name, old, new, detail", MALFORMED)
def test_malformed_rules_file(rules_dir, name, old, new, detail):
    edit(rules_dir, name, old, new)
    facts = expect_error("rules_invalid", load_rules, rules_dir)
    assert facts["file"] == name
    assert detail in facts["detail"], facts["detail"]


@pytest.mark.parametrize("name", ["products.toml", "screening.toml", "site.toml"])
def test_rules_file_not_toml(rules_dir, name):
    (rules_dir / name).write_text("this is = not [ toml", "utf-8")
    facts = expect_error("rules_invalid", load_rules, rules_dir)
    assert facts["file"] == name and "not valid TOML" in facts["detail"]


def test_rules_file_not_utf8(rules_dir):
    (rules_dir / "site.toml").write_bytes("observation_minutes = 30 # 留观".encode("gbk"))
    assert expect_error("rules_invalid", load_rules, rules_dir)["file"] == "site.toml"


@pytest.mark.parametrize("name", ["products.toml", "screening.toml", "site.toml"])
def test_rules_file_missing(rules_dir, name):
    (rules_dir / name).unlink()
    facts = expect_error("rules_invalid", load_rules, rules_dir)
    assert facts == {"file": name, "detail": "file missing"}


def test_rules_invalid_message():
    err = DomainError("rules_invalid", file="site.toml", detail="missing key 'lunch'")
    assert err.message("zh") == "接种规则文件有误（site.toml）：missing key 'lunch'"


def test_age_max_from_data(rules_dir):
    edit(rules_dir, "products.toml", "age_min = 3 ", "age_min = 3\nage_max = 17 ")
    rules = load_rules(rules_dir)
    on = date(2021, 9, 15)
    assert rules.check_dose([], "sinopharm_bbibp", 1, on, date(2003, 9, 16)) == []  # 17 until tomorrow
    facts = expect_error(
        "age_above_maximum", rules.check_dose, [], "sinopharm_bbibp", 1, on, date(2003, 9, 15)
    )
    assert facts == {"max_age": 17, "age": 18}


def test_a_new_product_is_data_only(rules_dir):
    with (rules_dir / "products.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[products.test_inactivated]\nname_zh = "测试"\nname_en = "Test"\nmanufacturer_zh = "测试"\n'
            'manufacturer_en = "Test"\nseries_family = "inactivated"\nroute_zh = "肌内注射"\n'
            'route_en = "intramuscular"\ndoses_per_vial = 2\ndose_ml = 0.5\nage_min = 18\nprimary_doses = 2\n'
            "booster_min_days = 90\nhomologous_booster = true\n"
            '[[products.test_inactivated.doses]]\nnumber = 1\nlabel_zh = "第一剂次"\nlabel_en = "1st dose"\n'
            '[[products.test_inactivated.doses]]\nnumber = 2\nmin_days = 14\nlabel_zh = "第二剂次"\n'
            'label_en = "2nd dose"\n'
        )
    rules = load_rules(rules_dir)
    history = [PastDose("sinopharm_bbibp", 1, D0)]
    assert rules.check_dose(history, "test_inactivated", 2, D0 + days(14), ADULT) == []  # its own interval
    assert "test_inactivated" in rules.boosters_for("sinopharm_bbibp")
    nxt = rules.next_dose([PastDose("test_inactivated", 1, D0)])
    assert nxt.latest_recommended is None and nxt.earliest == D0 + days(14)


# --- properties --------------------------------------------------------------------------------


@st.composite
def followed_series(draw):
    """A person who follows next_dose: a first product, delays after each earliest day, a booster choice."""
    primary = draw(st.sampled_from(sorted(RULES.products)))
    start = draw(st.dates(min_value=date(2021, 1, 1), max_value=date(2024, 12, 31)))
    delays = draw(st.lists(st.integers(0, 120), min_size=4, max_size=4))
    boosters = RULES.boosters_for(primary)
    booster = draw(st.sampled_from(boosters)) if boosters else None
    return primary, start, delays, booster


@given(followed_series())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_following_next_dose_is_always_accepted_and_completes(case):
    primary, start, delays, booster = case
    p = RULES.product(primary)
    history: list[PastDose] = []
    product = primary
    for step in range(p.primary_doses + 2):
        choice = primary if step == 0 else booster if step == p.primary_doses else None
        nxt = RULES.next_dose(history, choice)
        if nxt.complete:
            break
        product = nxt.product
        on = (nxt.earliest or start) + days(delays[step % len(delays)])
        warnings = RULES.check_dose(history, product, nxt.dose_number, on, ADULT)
        late = nxt.latest_recommended is not None and on > nxt.latest_recommended
        assert warnings == ([INTERVAL_PAST_RECOMMENDED] if late else [])
        assert nxt.dose_number == len(history) + 1
        assert nxt.is_booster == (nxt.dose_number > p.primary_doses)
        history.append(PastDose(product, nxt.dose_number, on))
    expected = p.primary_doses + (1 if booster else 0)
    assert len(history) == expected
    assert RULES.next_dose(history).complete
    last = history[-1].day + days(1000)
    expect_error("series_complete", RULES.check_dose, history, primary, expected + 1, last, ADULT)


@given(followed_series(), st.integers(-30, 30))
@settings(max_examples=200)
def test_check_dose_refuses_exactly_before_earliest(case, offset):
    primary, start, delays, booster = case
    p = RULES.product(primary)
    n = delays[0] % (p.primary_doses + 1)  # doses already given: 0 .. primary_doses
    history = primary_history(primary, start)[:n]
    product = booster if n == p.primary_doses and booster else primary
    nxt = RULES.next_dose(history, product)
    if nxt.complete:
        return
    on = (nxt.earliest or start) + days(offset)
    if nxt.earliest is not None and on < nxt.earliest:
        code = "booster_too_early" if nxt.is_booster else "dose_interval_too_short"
        facts = expect_error(code, RULES.check_dose, history, product, nxt.dose_number, on, ADULT)
        assert facts["earliest"] == nxt.earliest.isoformat()
    else:
        RULES.check_dose(history, product, nxt.dose_number, on, ADULT)


@given(
    st.sampled_from(sorted(RULES.products)),
    st.integers(0, 4),
    st.randoms(use_true_random=False),
    st.lists(st.tuples(st.integers(0, 10), st.integers(1, 90)), max_size=4),
)
def test_history_order_and_duplicates_do_not_matter(code, n, rnd, dupes):
    clean = primary_history(code)[: min(n, RULES.product(code).primary_doses)]
    messy = list(clean)
    for index, later in dupes:
        if clean:
            original = clean[index % len(clean)]
            messy.append(PastDose(original.product, original.dose_number, original.day + days(later)))
    rnd.shuffle(messy)
    assert RULES.next_dose(messy) == RULES.next_dose(clean)


YESNO = sorted(ALL_NO)


@given(st.fixed_dictionaries({q: st.booleans() for q in YESNO}), st.floats(35.0, 42.5))
def test_assess_worst_outcome_wins(answers, temperature):
    result = RULES.assess(answers, temperature)
    rank = {"pass": 0, "defer": 1, "refuse": 2}
    hits = [
        q
        for q in RULES.questions
        if (temperature >= RULES.fever_threshold_c if q.kind == "temperature" else answers[q.id])
    ]
    worst = max((q.answer_outcome for q in hits), key=rank.__getitem__, default="pass")
    assert result.outcome == worst
    assert result.reasons == tuple(q.reason for q in hits if q.answer_outcome != "pass")
    assert result.notes == tuple(q.note for q in hits if q.note)
    assert all(RULES.reasons[r].outcome in ("defer", "refuse") for r in result.reasons)


def test_rules_module_imports_no_qt_ui_or_sync():
    code = (
        "import sys, station.rules; bad = [m for m in sys.modules "
        "if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'ui', 'sync')]; print(bad)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"


def test_rules_is_a_value():
    assert isinstance(RULES, Rules)
    with pytest.raises(AttributeError):
        RULES.observation_minutes = 10  # type: ignore[misc]
