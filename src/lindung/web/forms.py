"""What the pages share to read a form and answer it: dates, months, years, counts and rupiah typed by a person,
the refusal shown beside a field, a page of a long list, and a file to download.

Numbers and dates are read as Indonesians write them ("1.000.000", "Rp 1.000.000", "1 000 000"; 17/06/2026 or
2026-06-17), through the same readers as a roster import (domain.parsing). Years lie in domain.periods'
FIRST_YEAR..LAST_YEAR; amounts and counts beyond the services' bounds are refused there, in words.

A value that cannot be read raises ValidationFailed with an Issue naming the field, so the page can show the
reason beside it (`form_error`); `refusal_status` picks the HTTP status of the page shown again.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindung.accounts.scope import Scope
from lindung.domain.errors import Conflict, Issue, LindungError, ValidationFailed
from lindung.domain.formats import thousands
from lindung.domain.messages import Lang
from lindung.domain.parsing import one_date, one_rupiah
from lindung.domain.periods import FIRST_YEAR, LAST_YEAR, in_years, parse_period
from lindung.web.access import is_htmx

if TYPE_CHECKING:
    from lindung.registry.models import Employer

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# An amount past the roster reader's 64-bit integers (only ever a slip of the finger), read here so that the
# service's bound answers it in words; longer than MAX_DIGITS it is no number at all.
_HUGE_AMOUNT = re.compile(r"^(?:rp\.?|idr)?(\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)(?:,0{1,2}|,-)?$")
_COUNT = re.compile(r"^\d{1,3}(?:\.\d{3})+$|^\d+$")
_MONTH = re.compile(r"^(\d{1,2})[/\-.](\d{4})$")
MAX_DIGITS = 30


# --- reading input -----------------------------------------------------------------------------


def page_lang() -> Lang:
    """The language of the page being answered, as the domain's messages name it."""
    return "en" if (get_language() or "").startswith("en") else "id"


def count_text(value: int) -> str:
    return thousands(value)


def refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [Issue(None, field, "INPUT", message)])


def parse_date(text: str | None, field: str, *, required: bool = True) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise refuse(field, _("Tanggal wajib diisi"))
        return None
    day = read_date(text)
    if day is None:
        raise refuse(field, _("Tanggal %(text)s tidak terbaca; tulis tanggal seperti 17/06/2026") % {"text": text})
    if not in_years(day):
        raise refuse(field, years_refusal())
    return day


def read_date(text: str) -> dt.date | None:
    """17/06/2026, 17-06-2026, 17 Juni 2026 (as a roster import reads them) or 2026-06-17; None otherwise."""
    if len(text) > 40:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return one_date(text, timezone.localdate())


def years_refusal() -> str:
    return _("Tahun harus antara %(first)s dan %(last)s; periksa tahunnya") % {"first": FIRST_YEAR, "last": LAST_YEAR}


def parse_month(text: str | None, field: str) -> dt.date:
    """A month from 2024-06 (what a month field sends), 06/2024 or Juni 2024."""
    text = (text or "").strip()
    month: dt.date | None = None
    try:
        month = parse_period(text)
    except ValueError:
        found = _MONTH.match(text)
        if found and 1 <= int(found.group(1)) <= 12:
            month = dt.date(int(found.group(2)), int(found.group(1)), 1)
        elif len(text) <= 40:
            month = one_date(f"1 {text}", timezone.localdate())  # "Juni 2024" read as the 1st of June
    if month is None:
        raise refuse(
            field, _("Bulan %(text)s tidak terbaca; tulis bulan seperti 06/2026 atau Juni 2026") % {"text": text}
        )
    if not in_years(month):
        raise refuse(field, years_refusal())
    return month


def parse_rupiah(text: str) -> int | None:
    """Whole rupiah as a roster import reads them (domain.parsing.one_rupiah): "1.234.567", "Rp 1.234.567,00",
    "1 234 567", "1,234,567", "Rp16.800,-" or "1234567". None when it is no amount, is negative or carries sen."""
    text = text.strip()
    if not text or len(text) > 60:
        return None
    amount, sen = one_rupiah(text)
    if amount is not None:
        return None if sen else amount
    found = _HUGE_AMOUNT.match(re.sub(r"\s", "", text.lower()))
    if found is None:
        return None
    digits = re.sub(r"[.,]", "", found.group(1))
    return int(digits) if len(digits) <= MAX_DIGITS else None


def read_count(text: str | None) -> int | None:
    """A whole number of people or things, "4000", "4.000" or "4 000"; None when it is no such number."""
    compact = re.sub(r"\s", "", text or "")
    if not (compact.isascii() and _COUNT.match(compact)) or len(compact) > MAX_DIGITS:
        return None
    return int(compact.replace(".", ""))


def parse_year(text: str | None, field: str, years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)) -> int:
    """A year of four digits in `years` (FIRST_YEAR..LAST_YEAR unless a rule narrows them)."""
    year = _year(text, years)
    if year is None:
        raise refuse(field, _year_refusal(years))
    return year


def _year(text: str | None, years: tuple[int, int]) -> int | None:
    text = (text or "").strip()
    if len(text) == 4 and text.isascii() and text.isdigit() and years[0] <= int(text) <= years[1]:
        return int(text)
    return None


def _year_refusal(years: tuple[int, int]) -> str:
    return _("Tahun harus empat angka antara %(first)s dan %(last)s, mis. 2027") % {
        "first": years[0],
        "last": years[1],
    }


def asked_day(request: HttpRequest) -> tuple[dt.date, bool]:
    """The day asked for (`?on=17/06/2026` or `?on=2026-06-17`) or today, and whether it was asked for."""
    text = request.GET.get("on", "").strip()
    if not text:
        return timezone.localdate(), False
    day = read_date(text)
    if day is None:
        raise ValidationFailed(_("Tanggal %(text)s tidak terbaca; tulis tanggal seperti 17/06/2026") % {"text": text})
    if not in_years(day):
        raise ValidationFailed(years_refusal())
    return day, True


def asked_year(request: HttpRequest) -> int:
    """The year posted or asked for (`year`), or this year."""
    text = (request.POST.get("year") or request.GET.get("year") or "").strip()
    if not text:
        return timezone.localdate().year
    year = _year(text, (FIRST_YEAR, LAST_YEAR))
    if year is None:
        raise ValidationFailed(_year_refusal((FIRST_YEAR, LAST_YEAR)))
    return year


def actor(request: HttpRequest) -> str:
    return request.user.get_username()


def posted_employer(request: HttpRequest, scope: Scope) -> Employer:
    """The employer a form names, if the scope holds it (otherwise 404, logged)."""
    return scope.pemda(request.POST.get("employer", "").strip())


# --- answering ---------------------------------------------------------------------------------


def form_error(exc: LindungError) -> dict[str, Any]:
    """The refusal for a form: the message, and each issue that names a field beside that field."""
    fields: dict[str, str] = {}
    if isinstance(exc, ValidationFailed):
        for issue in exc.issues:
            if issue.column:
                fields.setdefault(issue.column, issue.message)
    return {"message": str(exc), "fields": fields}


def refusal_status(request: HttpRequest, exc: LindungError) -> int:
    """A refused form is 400 (409 for a conflict); an htmx fragment is 200 so that htmx shows it."""
    if is_htmx(request):
        return 200
    return 409 if isinstance(exc, Conflict) else 400


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(items, size).get_page(request.GET.get("page"))


def download(data: bytes, filename: str) -> HttpResponse:
    kinds = {".xlsx": XLSX, ".pdf": "application/pdf"}
    kind = next((k for suffix, k in kinds.items() if filename.endswith(suffix)), "text/csv; charset=utf-8")
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def written(write: Callable[[Path], object], suffix: str) -> bytes:
    """The bytes of a file that `write` writes to a path (in a folder removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="lindung-") as folder:
        target = Path(folder) / f"file.{suffix}"
        write(target)
        return target.read_bytes()
