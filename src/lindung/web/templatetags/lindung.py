"""Filters every page uses (built in, no `{% load %}`): dates and numbers written the Indonesian way."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import get_language

from lindung.domain.formats import date_label, month_label, thousands

register = template.Library()


def _lang() -> str:
    return get_language() or "id"


@register.filter(expects_localtime=True)
def tanggal(day: dt.date | dt.datetime | None) -> str:
    """{{ worker.tmt|tanggal }} -> "17 Juni 2024" (English on English pages)."""
    return date_label(day, _lang())


@register.filter
def bulan(day: dt.date | None) -> str:
    """{{ invoice.period|bulan }} -> "Mei 2024"."""
    return "-" if day is None else month_label(day, _lang())


@register.filter
def ribuan(count: int | None) -> str:
    """{{ count|ribuan }} -> "12.345"."""
    return "-" if count is None else thousands(int(count))
