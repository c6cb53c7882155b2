"""What the pages share to read a form and answer it: dates, months, years and rupiah typed by a person, the
refusal shown beside a field, a page of a long list, and a file to download.

A value that cannot be read raises ValidationFailed with an Issue naming the field, so the page can show the
reason beside it (`form_error`); `refusal_status` picks the HTTP status of the page shown again.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lindung.accounts.scope import Scope
from lindung.domain.errors import Conflict, Issue, LindungError, ValidationFailed
from lindung.domain.messages import Lang
from lindung.domain.parsing import one_date
from lindung.domain.periods import parse_period
from lindung.registry.models import Employer
from lindung.web.access import is_htmx

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_AMOUNT = re.compile(r"^(?:rp\.?)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,0{1,2}|,-)?$")


# --- reading input -----------------------------------------------------------------------------


def page_lang() -> Lang:
    """The language of the page being answered, as the domain's messages name it."""
    return "en" if (get_language() or "").startswith("en") else "id"


def count_text(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [Issue(None, field, "INPUT", message)])


def parse_date(text: str | None, field: str, *, required: bool = True) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise refuse(field, _("Tanggal wajib diisi"))
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    day = one_date(text, timezone.localdate())  # 17/06/2026, 17-06-2026, 17 Juni 2026, as the roster reads them
    if day is None or not 2000 <= day.year <= 2100:
        raise refuse(field, _("Tanggal %(text)s tidak terbaca; tulis seperti 17/06/2026") % {"text": text})
    return day


def parse_month(text: str | None, field: str) -> dt.date:
    try:
        return parse_period(text or "")
    except ValueError:
        raise refuse(field, _("Bulan harus berbentuk YYYY-MM, mis. 2024-06")) from None


def parse_rupiah(text: str) -> int | None:
    """Whole rupiah from "1.234.567", "Rp 1.234.567,00" or "1234567"; None when it is no such amount."""
    found = _AMOUNT.match(re.sub(r"\s", "", text.lower()))
    return int(found.group(1).replace(".", "")) if found else None


def asked_day(request: HttpRequest) -> tuple[dt.date, bool]:
    """The day asked for (`?on=YYYY-MM-DD`) or today, and whether it was asked for."""
    text = request.GET.get("on", "").strip()
    if not text:
        return timezone.localdate(), False
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(_("Tanggal harus ditulis YYYY-MM-DD, mis. 2026-06-30")) from None
    if not 2000 <= day.year <= 2100:
        raise ValidationFailed(_("Tanggal di luar tahun 2000-2100"))
    return day, True


def asked_year(request: HttpRequest) -> int:
    """The year posted or asked for (`year`), or this year."""
    text = (request.POST.get("year") or request.GET.get("year") or "").strip()
    if not text:
        return timezone.localdate().year
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise ValidationFailed(_("Tahun harus empat angka antara 2000 dan 2100"))
    return int(text)


def actor(request: HttpRequest) -> str:
    return request.user.get_username()


def posted_employer(request: HttpRequest, scope: Scope) -> Employer:
    """The employer a form names, if the scope holds it (otherwise 404, logged)."""
    return scope.get(Employer.objects.select_related("region"), region_id=request.POST.get("employer", "").strip())


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
