"""The two codes on vaccine packs, read from a scan or typed: what each holds, or why it is refused.

1. The 20-digit Chinese drug traceability code (药品追溯码, the former 中国药品电子监管码 format,
   "码上放心"): 7 digits of product identification code (药品标识码: the maker, product, form,
   strength and pack level, assigned by the traceability platform), 9 digits of pack serial
   (单品序列号) and 4 check digits. The check digits are computed by the issuing platform with a
   method that is not published, so they are kept, not verified here; a code is checked for its
   length, its digits and a product identification code the site knows (rules: stock.toml).
2. A GS1 element string, as in the GS1 DataMatrix on vials and cartons: AI 01 GTIN (its check
   digit verified), 17 expiry YYMMDD (day 00: the last day of that month), 10 lot, 21 serial;
   variable-length fields end with FNC1 (ASCII GS, 0x1D, also typed as ``<GS>``). Accepted with
   or without the ``]d2`` symbology prefix, and in the human-readable ``(01)...(17)...`` form.
   Parsed by the ``biip`` library.

``parse`` never looks at the site's rules; ``station.stock`` maps a code to a product.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from station.errors import DomainError

TRACE = "trace20"
GS1 = "gs1"
GS = "\x1d"


@dataclass(frozen=True)
class PackCode:
    """What one pack code says. ``key`` identifies the pack (the carton or vial) itself."""

    kind: str  # TRACE or GS1
    raw: str
    key: str
    product_code: str | None = None  # TRACE: the 7-digit product identification code
    serial: str | None = None
    check: str | None = None  # TRACE: the 4 check digits, as printed
    gtin: str | None = None  # GS1: GTIN-14
    lot_no: str | None = None
    expiry: date | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["expiry"] = self.expiry.isoformat() if self.expiry else None
        return out


def parse(text: str) -> PackCode:
    """Read a scanned or typed pack code; DomainError with the reason when it is malformed."""
    raw = text
    s = text.strip().replace("<GS>", GS).replace("<gs>", GS)
    if not s:
        raise DomainError("code_empty")
    compact = s.replace(" ", "").replace("-", "")
    if compact.isdigit() and not compact.startswith("01"):
        return _trace(raw, compact)
    if compact.isdigit() and len(compact) == 20:
        return _trace(raw, compact)  # a traceability code may begin with 01 too: 20 digits is one
    if s.startswith(("]", "(")) or (compact[:2] == "01" and len(compact) >= 16):
        return _gs1(raw, s)
    if compact.isdigit():
        raise DomainError("trace_code_length", length=len(compact))
    if len(compact) == 20 or compact[:1].isdigit():
        raise DomainError("trace_code_not_digits", value=compact)
    raise DomainError("code_unrecognised", value=raw.strip()[:40])


def _trace(raw: str, digits: str) -> PackCode:
    if len(digits) != 20:
        raise DomainError("trace_code_length", length=len(digits))
    return PackCode(
        kind=TRACE,
        raw=raw,
        key=digits,
        product_code=digits[:7],
        serial=digits[7:16],
        check=digits[16:],
    )


def _gs1(raw: str, s: str) -> PackCode:
    from biip.gs1_messages import GS1Message
    from biip.symbology import SymbologyIdentifier

    try:
        if s.startswith("]"):
            ident = SymbologyIdentifier.extract(s)
            if ident.gs1_symbology is None:
                raise DomainError("gs1_not_gs1", symbology=ident.value)
            s = s[len(ident.value) :]
        message = GS1Message.parse_hri(s) if s.startswith("(") else GS1Message.parse(s)
    except DomainError:
        raise
    except Exception as exc:  # biip's ParseError and its kin: the reason is in the text
        raise DomainError("gs1_malformed", detail=str(exc)) from None
    fields: dict[str, Any] = {}
    for element in message.element_strings:
        ai = element.ai.ai
        if ai == "01":
            if element.gtin_error or element.gtin is None:
                raise DomainError("gs1_check_digit", gtin=element.value)
            fields["gtin"] = element.value
        elif ai == "17":
            if element.date is None:
                raise DomainError("gs1_expiry_invalid", value=element.value)
            fields["expiry"] = element.date
        elif ai == "10":
            fields["lot_no"] = element.value.strip().upper()
        elif ai == "21":
            fields["serial"] = element.value
    if "gtin" not in fields:
        raise DomainError("gs1_gtin_missing")
    key = f"01{fields['gtin']}" + (f"21{fields['serial']}" if fields.get("serial") else "")
    return PackCode(kind=GS1, raw=raw, key=key, **fields)


def gs1_text(gtin: str, lot_no: str, expiry: date, serial: str | None = None) -> str:
    """The element string for a pack (GS after the variable-length lot): what a DataMatrix holds."""
    text = f"01{gtin}17{expiry:%y%m%d}10{lot_no}"
    return text + (f"{GS}21{serial}" if serial else "")


def gs1_hri(gtin: str, lot_no: str, expiry: date, serial: str | None = None) -> str:
    """The same in the human-readable form printed under the symbol."""
    return f"(01){gtin}(17){expiry:%y%m%d}(10){lot_no}" + (f"(21){serial}" if serial else "")
