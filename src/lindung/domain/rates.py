"""Dated rates, caps and amounts (DESIGN.md §3 "rates are data, dated"), read from `src/lindung/rates/*.toml`.

Each value is a `Period`: a key, the days it is in force (`valid_from`, inclusive `valid_to`, None = open),
the regulation it comes from and the confidence mark of reference/bpjs-tk.md (V, S, C, D, U, D/U).
Percent fields are percent ("0.24" = 0.24 %); amount fields are whole rupiah (or a day number).

Keys and their fields:
    jkk.1 .. jkk.5           employer, worker     PPU JKK by risk class, percent of the whole wage
    jkm                      employer, worker     PPU JKM, percent
    jht                      employer, worker     PPU JHT, percent
    jp                       employer, worker     PPU JP, percent of the wage up to jp.cap
    jp.cap                   amount               JP wage cap; a new value each 1 March
    jkp                      rate, employer, worker   JKP total percent (employer/worker: what the bill adds, 0);
                                                  no period before 2021-02-02, when JKP began
    jkp.government           rate                 the central government's part of JKP (not billed)
    jkp.from_jkk             rate                 the part recomposed out of the JKK the employer pays
    jkp.from_jkm             rate                 the part recomposed out of the JKM the employer pays
    jkp.cap                  amount               JKP wage cap
    bpu.jkk                  rate                 BPU JKK, percent of the bracket base
    bpu.jkm                  amount               BPU JKM, flat rupiah per month
    bpu.jht                  rate                 BPU JHT (optional), percent of the bracket base
    wage.absolute_floor      amount               a PPU wage below it is refused
    wage.minimum_reported    amount               a PPU wage below it is warned about (0 = none recorded)
    billing.due_day          day, month_offset    PPU iuran due day (15th of the following month)
    billing.bpu_due_day      day, month_offset    BPU iuran due day (15th of the same month)
    billing.late_fee         rate                 percent per month late (employers other than penyelenggara negara)
    billing.late_fee.pemda   rate                 the same for a Pemda: unverified, set per agreement
    benefit.jkm              lump_sum, periodic, funeral, scholarship_min_months   JKM benefit (PP 82/2019)
    benefit.scholarship      max_children, age_limit   who may receive a scholarship (Permenaker 5/2021)
    benefit.scholarship.tk .. benefit.scholarship.pt   per_year, years   the schedule per school level
    benefit.jkk.death        wage_months          JKK death: this many monthly wages (at least the JKM lump sum)
    benefit.jkk.periodic     amount               JKK periodic benefit, paid at once
    benefit.jkk.funeral      amount               JKK funeral cost
    benefit.jkk.disability_total   share, base_months   total permanent disability: share % x months x wage
    benefit.jkk.disability_partial base_months     partial permanent disability: a part's share % x months x wage
    benefit.jkk.disability_partial.<part>  share  the table, one key per body part (its name in `note`; [U])
    benefit.jkk.stmb         full_months, full_share, after_share   temporary inability to work

BPU income brackets (`Bracket`, from `bpu_brackets.toml`) are carried by the book: `book.bpu_base(income, day)`.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from importlib import resources
from types import MappingProxyType

from lindung.domain.errors import Issue, ValidationFailed
from lindung.domain.messages import render

__all__ = [
    "CONFIDENCE_MARKS",
    "Bracket",
    "Period",
    "RateBook",
    "load_rate_book",
    "weakest",
]

CONFIDENCE_MARKS: tuple[str, ...] = ("V", "S", "C", "D", "D/U", "U")
"""The marks of reference/bpjs-tk.md, from the surest to the least sure (the order `weakest` uses)."""

OVERRIDE_NOTE = "diubah per perjanjian"

_META = frozenset({"key", "valid_from", "valid_to", "regulation", "confidence", "note", "source"})
_BRACKET_FIELDS = frozenset(
    {"valid_from", "valid_to", "income_from", "income_to", "base", "regulation", "confidence", "note", "source"}
)


def weakest(marks: Iterable[str]) -> str:
    """The least sure of some confidence marks: weakest(["V", "C"]) == "C"."""
    return max(marks, key=CONFIDENCE_MARKS.index, default="V")


def _day(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def _span(valid_from: dt.date, valid_to: dt.date | None) -> str:
    return f"{_day(valid_from)} s.d. {_day(valid_to) if valid_to else 'seterusnya'}"


def _issue(code: str, value: str | None = None, detail: str | None = None, *, row: int | None = None) -> Issue:
    return Issue(row, None, code, render(code, value=value, detail=detail), value)


def _fail(issues: Sequence[Issue]) -> ValidationFailed:
    return ValidationFailed("; ".join(i.message for i in issues), list(issues))


@dataclass(frozen=True)
class Period:
    """One value set of one key, in force from `valid_from` to `valid_to` (inclusive; None = still in force)."""

    key: str
    valid_from: dt.date
    valid_to: dt.date | None
    values: Mapping[str, Decimal] = field(hash=False)
    regulation: str
    confidence: str
    note: str = ""
    overridden: bool = False  # values changed per agreement (`RateBook.overridden`)
    source: str = ""  # the data file it came from

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def percent(self, name: str) -> Decimal:
        """A percent field: Decimal("0.24") means 0.24 %."""
        try:
            return self.values[name]
        except KeyError:
            detail = f"{self.key} {_span(self.valid_from, self.valid_to)}"
            raise _fail([_issue("RATE_FIELD_MISSING", name, detail)]) from None

    def amount(self, name: str) -> int:
        """A whole-rupiah (or count) field."""
        value = self.percent(name)
        if value != value.to_integral_value():
            raise _fail([_issue("RATE_RECORD", self.key, f"{name} = {value} harus bilangan bulat")])
        return int(value)

    def describe(self) -> str:
        """The regulation with the period, for display: 'PP 45/2015 ... (01-03-2024 s.d. 28-02-2025) [V]'."""
        return f"{self.regulation} ({_span(self.valid_from, self.valid_to)}) [{self.confidence}]"


@dataclass(frozen=True)
class Bracket:
    """One row of the BPU income bracket table: declared income in [income_from, income_to] pays on `base`
    (None: on the declared income itself). Dated like a Period; one edition's rows share their dates."""

    valid_from: dt.date
    valid_to: dt.date | None
    income_from: int
    income_to: int | None
    base: int | None
    regulation: str
    confidence: str
    note: str = ""
    source: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def contains(self, income: int) -> bool:
        return self.income_from <= income and (self.income_to is None or income <= self.income_to)

    def base_for(self, income: int) -> int:
        return income if self.base is None else self.base


class RateBook:
    """Every dated value, validated on construction: per key no overlap, no gap, no period ending before it
    starts, a known confidence mark and a regulation. Immutable; `overridden` returns a new book."""

    __slots__ = ("_brackets", "_periods")

    def __init__(self, periods: Iterable[Period], brackets: Iterable[Bracket] = ()) -> None:
        by_key: dict[str, list[Period]] = {}
        for period in periods:
            by_key.setdefault(period.key, []).append(period)
        issues: list[Issue] = []
        for key, items in by_key.items():
            items.sort(key=lambda p: p.valid_from)
            issues += _check_periods(key, items)
        bracket_list = sorted(brackets, key=lambda b: (b.valid_from, b.income_from))
        issues += _check_brackets(bracket_list)
        if issues:
            raise _fail(issues)
        self._periods: Mapping[str, tuple[Period, ...]] = MappingProxyType(
            {key: tuple(items) for key, items in sorted(by_key.items())}
        )
        self._brackets: tuple[Bracket, ...] = tuple(bracket_list)

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, object]], brackets: Iterable[Mapping[str, object]] = ()
    ) -> RateBook:
        """Build from plain records as the TOML files hold them (`[[period]]` and `[[bracket]]` tables)."""
        issues: list[Issue] = []
        periods = [p for i, r in enumerate(records, 1) if (p := _period_from_record(r, i, issues))]
        rows = [b for i, r in enumerate(brackets, 1) if (b := _bracket_from_record(r, i, issues))]
        if issues:
            raise _fail(issues)
        return cls(periods, rows)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self._periods)

    @property
    def brackets(self) -> tuple[Bracket, ...]:
        return self._brackets

    def periods(self, key: str) -> tuple[Period, ...]:
        return self._periods.get(key, ())

    def at(self, key: str, day: dt.date) -> Period:
        """The period of `key` in force on `day`; RATE_MISSING when there is none (e.g. JKP before 2021-02-02)."""
        for period in self._periods.get(key, ()):
            if period.covers(day):
                return period
        raise _fail([_issue("RATE_MISSING", key, _day(day))])

    def percent(self, key: str, name: str, day: dt.date) -> Decimal:
        return self.at(key, day).percent(name)

    def amount(self, key: str, name: str, day: dt.date) -> int:
        return self.at(key, day).amount(name)

    def brackets_at(self, day: dt.date) -> tuple[Bracket, ...]:
        """The BPU income bracket table in force on `day`, lowest income first."""
        rows = tuple(b for b in self._brackets if b.covers(day))
        if not rows:
            raise _fail([_issue("RATE_MISSING", "bpu.bracket", _day(day))])
        return rows

    def bpu_bracket(self, income: int, day: dt.date) -> Bracket:
        """The bracket a declared BPU income falls in on `day`."""
        for bracket in self.brackets_at(day):
            if bracket.contains(income):
                return bracket
        raise _fail([_issue("RATE_MISSING", f"bpu.bracket {income}", _day(day))])

    def bpu_base(self, income: int, day: dt.date) -> int:
        """The income the BPU percent rates apply to."""
        return self.bpu_bracket(income, day).base_for(income)

    def overridden(self, overrides: Mapping[str, Mapping[str, Decimal]]) -> RateBook:
        """A copy where an agreement's values replace the data's: {key: {field: value}}.

        A value replaces the field in every period of the key whose confidence is not V; periods marked V
        keep their value. `key@YYYY-MM-DD` targets only the period starting that day. Refused (ValidationFailed)
        for an unknown key or field, or when every targeted period is V. The changed periods keep their
        regulation and confidence, and their note says "diubah per perjanjian" with the old and new values.
        """
        changed: dict[tuple[str, dt.date], Period] = {}
        issues: list[Issue] = []
        for spec, values in overrides.items():
            key, _, start = spec.partition("@")
            targets = list(self._periods.get(key, ()))
            if start:
                try:
                    targets = [p for p in targets if p.valid_from == dt.date.fromisoformat(start)]
                except ValueError:
                    targets = []
            if not targets:
                issues.append(_issue("RATE_OVERRIDE_UNKNOWN", spec, "kunci atau periode"))
                continue
            open_targets = [p for p in targets if p.confidence != "V"]
            if not open_targets:
                issues.append(_issue("RATE_OVERRIDE_VERIFIED", spec, targets[0].regulation))
                continue
            for name, raw in values.items():
                value = _decimal(raw)
                if value is None or value < 0:
                    issues.append(_issue("RATE_RECORD", spec, f"{name} = {raw!r} harus angka >= 0"))
                elif any(name not in p.values for p in open_targets):
                    issues.append(_issue("RATE_OVERRIDE_UNKNOWN", f"{spec}.{name}", "nilai"))
            if issues:
                continue
            for period in open_targets:
                period = changed.get((period.key, period.valid_from), period)
                news = {name: _decimal(raw) for name, raw in values.items()}
                change = ", ".join(f"{n} {period.values[n]} -> {v}" for n, v in news.items())
                note = f"{OVERRIDE_NOTE}: {change}" + (f" | {period.note}" if period.note else "")
                merged = {**period.values, **{n: v for n, v in news.items() if v is not None}}
                changed[(period.key, period.valid_from)] = replace(
                    period, values=MappingProxyType(merged), note=note, overridden=True
                )
        if issues:
            raise _fail(issues)
        periods = [changed.get((p.key, p.valid_from), p) for items in self._periods.values() for p in items]
        return RateBook(periods, self._brackets)


def _check_periods(key: str, items: Sequence[Period]) -> list[Issue]:
    """Overlap, gap and reversed dates among one key's periods (sorted by valid_from), plus their marks."""
    issues = []
    for period in items:
        span = _span(period.valid_from, period.valid_to)
        if period.valid_to is not None and period.valid_to < period.valid_from:
            issues.append(_issue("RATE_DATES", key, span))
        if period.confidence not in CONFIDENCE_MARKS:
            issues.append(_issue("RATE_CONFIDENCE", key, repr(period.confidence)))
        if not period.regulation.strip():
            issues.append(_issue("RATE_REGULATION", key, span))
    for before, after in itertools.pairwise(items):
        pair = f"{_span(before.valid_from, before.valid_to)} dan {_span(after.valid_from, after.valid_to)}"
        if before.valid_to is None or after.valid_from <= before.valid_to:
            issues.append(_issue("RATE_OVERLAP", key, pair))
        elif after.valid_from != before.valid_to + dt.timedelta(days=1):
            issues.append(_issue("RATE_GAP", key, pair))
    return issues


def _check_brackets(rows: Sequence[Bracket]) -> list[Issue]:
    """Editions (rows sharing valid_from/valid_to) follow each other like periods; within one edition the rows
    start at income 0, follow each other without gap or overlap, and only the last is open."""
    editions: dict[tuple[dt.date, dt.date | None], list[Bracket]] = {}
    for row in rows:
        editions.setdefault((row.valid_from, row.valid_to), []).append(row)
    stand_ins = [
        Period("bpu.bracket", start, end, {}, edition[0].regulation, edition[0].confidence)
        for (start, end), edition in editions.items()
    ]
    issues = _check_periods("bpu.bracket", stand_ins)
    for (start, end), edition in editions.items():
        problems = []
        for row in edition:
            if row.confidence not in CONFIDENCE_MARKS:
                problems.append(f"tanda keyakinan {row.confidence!r}")
            if not row.regulation.strip():
                problems.append(f"baris {row.income_from} tanpa peraturan")
            if row.base is not None and row.base < 0:
                problems.append(f"dasar {row.base} negatif")
            if row.income_to is not None and row.income_to < row.income_from:
                problems.append(f"penghasilan {row.income_from} s.d. {row.income_to} terbalik")
        if edition[0].income_from != 0:
            problems.append("baris pertama harus mulai dari penghasilan 0")
        for before, after in itertools.pairwise(edition):
            if before.income_to is None or after.income_from != before.income_to + 1:
                problems.append(f"celah atau tumpang tindih sebelum penghasilan {after.income_from}")
        if edition[-1].income_to is not None:
            problems.append("baris terakhir harus terbuka (tanpa income_to)")
        if problems:
            issues.append(_issue("BRACKET_TABLE", _span(start, end), "; ".join(problems)))
    return issues


def _decimal(raw: object) -> Decimal | None:
    """A value from data: a string or an integer (never a float: 0.24 is not exact in binary)."""
    if isinstance(raw, (bool, float)):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            return None
        return value if value.is_finite() else None
    return None


def _date(raw: object) -> dt.date | None:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    return None


def _text(raw: object) -> str:
    return raw if isinstance(raw, str) else ""


def _period_from_record(record: Mapping[str, object], row: int, issues: list[Issue]) -> Period | None:
    key = record.get("key")
    name = key if isinstance(key, str) and key else f"#{row}"
    start, end = _date(record.get("valid_from")), _date(record.get("valid_to"))
    problems = []
    if not isinstance(key, str) or not key:
        problems.append("key kosong")
    if start is None:
        problems.append("valid_from harus tanggal (YYYY-MM-DD)")
    if "valid_to" in record and end is None:
        problems.append("valid_to harus tanggal (YYYY-MM-DD)")
    values: dict[str, Decimal] = {}
    for field_name, raw in record.items():
        if field_name in _META:
            continue
        value = _decimal(raw)
        if value is None:
            problems.append(
                f"{field_name} = {raw!r} harus teks angka (persen) atau bilangan bulat, bukan pecahan float"
            )
        else:
            values[field_name] = value
    if not values:
        problems.append("tidak ada nilai")
    if problems:
        issues.append(_issue("RATE_RECORD", name, "; ".join(problems), row=row))
        return None
    assert isinstance(key, str) and start is not None
    return Period(
        key=key,
        valid_from=start,
        valid_to=end,
        values=MappingProxyType(values),
        regulation=_text(record.get("regulation")),
        confidence=_text(record.get("confidence")),
        note=_text(record.get("note")),
        source=_text(record.get("source")),
    )


def _bracket_from_record(record: Mapping[str, object], row: int, issues: list[Issue]) -> Bracket | None:
    start, end = _date(record.get("valid_from")), _date(record.get("valid_to"))
    problems = [f"{k} tidak dikenal" for k in record if k not in _BRACKET_FIELDS]
    if start is None:
        problems.append("valid_from harus tanggal (YYYY-MM-DD)")
    if "valid_to" in record and end is None:
        problems.append("valid_to harus tanggal (YYYY-MM-DD)")
    ints: dict[str, int | None] = {}
    for name in ("income_from", "income_to", "base"):
        raw = record.get(name)
        if raw is None and name != "income_from":
            ints[name] = None
        elif isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            ints[name] = raw
        else:
            problems.append(f"{name} = {raw!r} harus bilangan bulat rupiah >= 0")
    if problems:
        issues.append(_issue("RATE_RECORD", f"bpu.bracket #{row}", "; ".join(problems), row=row))
        return None
    assert start is not None
    income_from = ints["income_from"]
    assert income_from is not None
    return Bracket(
        valid_from=start,
        valid_to=end,
        income_from=income_from,
        income_to=ints["income_to"],
        base=ints["base"],
        regulation=_text(record.get("regulation")),
        confidence=_text(record.get("confidence")),
        note=_text(record.get("note")),
        source=_text(record.get("source")),
    )


@functools.cache
def load_rate_book() -> RateBook:
    """The book of every `*.toml` in the `lindung.rates` folder (`[[period]]` and `[[bracket]]` tables), read once."""
    folder = resources.files("lindung").joinpath("rates")
    records: list[dict[str, object]] = []
    brackets: list[dict[str, object]] = []
    issues: list[Issue] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text("utf-8"))
        for table in sorted(set(data) - {"period", "bracket"}):
            issues.append(_issue("RATE_RECORD", entry.name, f"tabel {table!r} tidak dikenal (period, bracket)"))
        records += [{**r, "source": entry.name} for r in data.get("period", [])]
        brackets += [{**r, "source": entry.name} for r in data.get("bracket", [])]
    if issues:
        raise _fail(issues)
    return RateBook.from_records(records, brackets)
