"""The rules for one correction typed on a worker's page: the roster import's rules, for one value.

A name, a job title, a wage and an end date are judged here without a database; the registry's services
apply the result. Each problem is (message code of domain/messages.py, detail), so the page can say it in
the reader's language.
"""

from __future__ import annotations

import datetime as dt
import re

from lindung.domain.formats import date_label, thousands
from lindung.domain.messages import Lang, render
from lindung.domain.sheets import FORMULA_LEAD, MARKUP, MARKUP_SHOWN

NAME_MAX = 200
JOB_MAX = 200
WAGE_MAX = 1_000_000_000  # a month's wage above Rp 1 miliar is a typing slip, never a non-ASN wage
WAGE_DIGITS = len(str(WAGE_MAX))
END_AHEAD = dt.timedelta(days=31)  # an exit may be recorded up to a month before the last day of work

_FORMULA = re.compile(FORMULA_LEAD)  # the roster import's patterns (domain/sheets.py), for one value
_MARKUP = re.compile(MARKUP)
_MARKUP_SHOWN = re.compile(MARKUP_SHOWN)

Problem = tuple[str, str | dt.date | None]


def _formula(text: str) -> Problem | None:
    found = _FORMULA.match(text)
    if found is None:
        return None
    lead = found.group(1)
    shown = "tab" if lead.startswith("\t") else "CR" if lead.startswith("\r") else f'"{lead.strip()[:1]}"'
    return ("TEXT_FORMULA", shown)


def clean_name(text: str) -> tuple[str, Problem | None]:
    """The name as it would be stored (spaces collapsed), and the first problem with it, if any."""
    name = re.sub(r"\s+", " ", text).strip()
    if not name:
        return name, ("REQUIRED", None)
    if (formula := _formula(text)) is not None:
        return name, formula
    if _MARKUP.search(name):
        shown = _MARKUP_SHOWN.search(name)
        return name, ("NAME_MARKUP", shown.group(1) if shown else None)
    if len(name) > NAME_MAX:
        return name, ("TEXT_TOO_LONG", str(NAME_MAX))
    return name, None


def clean_job_title(text: str) -> tuple[str | None, Problem | None]:
    job = re.sub(r"\s+", " ", text).strip() or None
    if job is None:
        return None, None
    if (formula := _formula(text)) is not None:
        return job, formula
    if len(job) > JOB_MAX:
        return job, ("TEXT_TOO_LONG", str(JOB_MAX))
    return job, None


def wage_problem(wage: int | None, has_sen: bool) -> Problem | None:
    if wage is None:
        return ("WAGE_INVALID", None)
    if has_sen:
        return ("WAGE_FRACTION", None)
    if wage <= 0:
        return ("WAGE_NOT_POSITIVE", None)
    if wage > WAGE_MAX:
        return ("WAGE_TOO_HIGH", f"Rp {thousands(WAGE_MAX)}")
    return None


def end_problem(end: dt.date | None, start: dt.date, ended: dt.date | None, today: dt.date) -> Problem | None:
    """An employment that started on `start` (and ended on `ended`, if it did) ends on `end`."""
    if end is None:
        return ("DATE_INVALID", None)
    if ended is not None:
        return ("END_ALREADY", ended)
    if end < start:
        return ("END_BEFORE_START", end)
    if end > today + END_AHEAD:
        return ("END_TOO_FAR", today + END_AHEAD)
    return None


def say(problem: Problem, lang: Lang = "id") -> str:
    """The problem in words; a date detail written the reader's way."""
    code, detail = problem
    text = date_label(detail, lang) if isinstance(detail, dt.date) else detail
    if code == "END_BEFORE_START":
        return render(code, lang, value=text)
    return render(code, lang, detail=text)
