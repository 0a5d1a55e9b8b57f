"""Identity documents and phone numbers: parse, check, mask.

The 18-digit mainland resident ID follows GB 11643-1999: a 6-digit region code,
an 8-digit birth date, a 3-digit sequence (odd = male) and an ISO 7064 MOD 11-2
check character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from station.errors import DomainError

# Province-level prefixes of GB/T 2260 region codes. 71 is Taiwan province; 81, 82 and 83
# are used by the residence permits for Hong Kong, Macao and Taiwan residents (810000,
# 820000, 830000), which share the 18-digit format and check character.
PROVINCE_PREFIXES: frozenset[str] = frozenset(
    [str(n) for n in range(11, 16)]  # Beijing, Tianjin, Hebei, Shanxi, Inner Mongolia
    + [str(n) for n in range(21, 24)]  # Liaoning, Jilin, Heilongjiang
    + [str(n) for n in range(31, 38)]  # Shanghai .. Shandong
    + [str(n) for n in range(41, 47)]  # Henan .. Hainan
    + [str(n) for n in range(50, 55)]  # Chongqing .. Tibet
    + [str(n) for n in range(61, 66)]  # Shaanxi .. Xinjiang
    + ["71", "81", "82", "83"]
)

WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_MAP = "10X98765432"
EARLIEST_BIRTH = date(1900, 1, 1)

DOC_TYPES = ("resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_id", "other")

_DOC_RE = re.compile(r"[A-Z0-9-]{5,20}")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_MOBILE_SEPARATORS = re.compile(r"[\s\-()]")


@dataclass(frozen=True)
class ResidentId:
    """A checked 18-character resident ID and what it says about its holder."""

    number: str
    region: str
    birth_date: date
    sex: str  # "M" or "F"


def normalize_id(text: str) -> str:
    """Full-width to ASCII, strip surrounding whitespace, upper-case (``x`` -> ``X``)."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def check_digit(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_MAP[total % 11]


def parse_resident_id(text: str, today: date | None = None) -> ResidentId:
    """Check an 18-digit resident ID; raise DomainError with an ``id_*`` code if it is wrong."""
    number = normalize_id(text)
    if not number:
        raise DomainError("id_empty")
    masked = mask_id(number)
    if not re.fullmatch(r"[0-9X]+", number):
        raise DomainError("id_bad_chars", id=masked)
    if len(number) == 15 and number.isdigit():
        raise DomainError("id_old_15_digit", id=masked)
    if len(number) != 18:
        raise DomainError("id_bad_length", id=masked, length=len(number))
    if "X" in number[:17]:
        raise DomainError("id_bad_chars", id=masked)
    if number[:2] not in PROVINCE_PREFIXES:
        raise DomainError("id_bad_region", id=masked, region=number[:6])
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError("id_bad_birth_date", id=masked, birth=number[6:14]) from None
    if born < EARLIEST_BIRTH:
        raise DomainError("id_bad_birth_date", id=masked, birth=number[6:14])
    if born > (today or date.today()):
        raise DomainError("id_birth_in_future", id=masked, birth=born.isoformat())
    if check_digit(number[:17]) != number[17]:
        raise DomainError("id_bad_checksum", id=masked)
    sex = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number=number, region=number[:6], birth_date=born, sex=sex)


def check_resident_id(text: str, today: date | None = None) -> tuple[ResidentId | None, str | None]:
    """``(parsed, None)`` if valid, else ``(None, error_code)``."""
    try:
        return parse_resident_id(text, today), None
    except DomainError as exc:
        return None, exc.code


def make_resident_id(region: str, birth: date, seq: int) -> str:
    """Build a valid 18-digit ID (tests, demo data). ``seq`` is the 3-digit sequence 0-999."""
    if len(region) != 6 or not region.isdigit():
        raise ValueError("region must be 6 digits")
    if not 0 <= seq <= 999:
        raise ValueError("seq must be 0-999")
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


def age_on(birth_date: date, day: date) -> int:
    """Age in full years on ``day``; someone born 29 Feb turns a year older on 1 Mar in common years."""
    if day < birth_date:
        raise ValueError("day is before birth_date")
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# --- mobile numbers -------------------------------------------------------------------------


def normalize_mobile(text: str) -> str:
    """Drop spaces, dashes, brackets and a +86 / 0086 / 86 country prefix."""
    s = _MOBILE_SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    return s


def is_mobile(text: str) -> bool:
    """True for a mainland mobile number (11 digits, ``1[3-9]...``), after normalising."""
    return bool(_MOBILE_RE.fullmatch(normalize_mobile(text)))


def parse_mobile(text: str) -> str:
    """The normalised 11-digit mobile number, or DomainError ``phone_invalid``."""
    s = normalize_mobile(text)
    if not _MOBILE_RE.fullmatch(s):
        raise DomainError("phone_invalid", phone=mask_phone(s))
    return s


# --- other documents ------------------------------------------------------------------------


def parse_document(doc_type: str, text: str, today: date | None = None) -> tuple[str, str]:
    """Check a document number of the given type; return ``(doc_type, normalised number)``."""
    if doc_type not in DOC_TYPES:
        raise DomainError("doc_unknown_type", doc_type=doc_type)
    if doc_type == "resident_id":
        return doc_type, parse_resident_id(text, today).number
    number = normalize_id(text)
    if not number:
        raise DomainError("id_empty")
    if not _DOC_RE.fullmatch(number):
        raise DomainError("doc_bad_format", id=mask_id(number), doc_type=doc_type)
    return doc_type, number


# --- masking --------------------------------------------------------------------------------


def mask_id(number: str) -> str:
    """``110105********123X`` for 18 characters; other documents keep the first 2 and last 2."""
    n = len(number)
    if n == 18:
        return number[:6] + "*" * 8 + number[-4:]
    if n <= 4:
        return "*" * (n - 1) + number[-1:] if n else ""
    return number[:2] + "*" * (n - 4) + number[-2:]


def mask_phone(p: str) -> str:
    """``138****5678``; shorter or odd numbers keep at most the last 2 characters."""
    n = len(p)
    if n >= 11:
        return p[:3] + "*" * (n - 7) + p[-4:]
    if n <= 2:
        return "*" * n
    return "*" * (n - 2) + p[-2:]


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def mask_name(name: str) -> str:
    """Chinese names keep the first character (``张*``, ``欧***``); Latin names keep each initial."""
    name = name.strip()
    if not name:
        return ""
    if any(_is_cjk(ch) for ch in name):
        # Keep separators (middle dot in Uyghur/Tibetan names, spaces) so the shape stays readable.
        rest = "".join(ch if ch in "·・. " else "*" for ch in name[1:])
        return name[0] + (rest or "*")
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())
