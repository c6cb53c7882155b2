"""Contributions (iuran) for one worker and one month, and the same rules over a frame of a million rows.

PPU, wage earners (reference/bpjs-tk.md §2.1, §2.2, §2.5, §2.6):
    JKK  employer, the rate of the risk class (jkk.1 .. jkk.5) on the whole wage, no cap
    JKM  employer 0.30 %
    JHT  employer 3.7 %, worker 2.0 %
    JP   employer 2.0 %, worker 1.0 %, on min(wage, jp.cap in force that day)
    JKP  nothing billed. Base min(wage, jkp.cap); the central government pays `jkp.government` (reported, not
         billed); the rest is recomposed out of the JKK and JKM the employer already pays, whose bills stay
         unchanged. Needs JKK and JKM; no rate before 2021-02-02.
    A wage below `wage.absolute_floor` is refused; below `wage.minimum_reported` it gets a warning.
BPU, non-wage earners (§2.3): the base is the declared income through the bracket table; JKK 1 %, JKM a flat
    Rp6,800 and optionally JHT 2 % are the participant's own iuran (`worker`; a Pemda sponsor pays it through
    its agreement). JP and JKP are refused.

Every figure is one `money.share` (ROUNDING_POLICY, half up per share); totals are sums of shares.
`compute_contribution` answers for one worker; `contribution_frame` gives the same rupiah for every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from math import lcm
from types import MappingProxyType

import polars as pl

from lindung.domain.errors import Issue, ValidationFailed
from lindung.domain.formats import rupiah, thousands
from lindung.domain.messages import Lang, render
from lindung.domain.money import ROUNDING_POLICY, percent_fraction, share, share_expr, share_fraction_expr
from lindung.domain.rates import Bracket, Period, RateBook, weakest

__all__ = [
    "BPU_PROGRAMS",
    "FRAME_COLUMNS",
    "PROGRAMS",
    "RISK_CLASSES",
    "SEGMENTS",
    "Contribution",
    "ProgramShare",
    "WageFloors",
    "compute_contribution",
    "contribution_frame",
    "normalise_request",
    "wage_floors",
]

PROGRAMS: tuple[str, ...] = ("JKK", "JKM", "JHT", "JP", "JKP")
SEGMENTS: tuple[str, ...] = ("ppu", "bpu")
RISK_CLASSES: tuple[int, ...] = (1, 2, 3, 4, 5)
BPU_PROGRAMS: tuple[str, ...] = ("JKK", "JKM", "JHT")
FRAME_COLUMNS: tuple[str, ...] = (
    "wage_base",
    "jkk",
    "jkm",
    "jht_employer",
    "jht_worker",
    "jp_base",
    "jp_employer",
    "jp_worker",
    "jkp_base",
    "jkp_government",
    "jkp_from_jkk",
    "jkp_from_jkm",
    "employer",
    "worker",
    "total",
    "under_minimum_reported",
)
_MAX_ROW_ISSUES = 100


@dataclass(frozen=True)
class ProgramShare:
    """One program's iuran for one worker and one month.

    `rate` is the total percent (None for a flat amount); `regulation` cites every period used and
    `confidence` is the weakest of their marks. JKP only: `government` is the central government's share
    (not billed) and `recomposed` the amounts taken out of the JKK/JKM the employer pays (not billed again).
    """

    program: str
    wage_base: int
    rate: Decimal | None
    employer: int
    worker: int
    regulation: str
    confidence: str
    government: int = 0
    recomposed: Mapping[str, int] = field(default_factory=dict, hash=False)

    @property
    def total(self) -> int:
        return self.employer + self.worker

    def as_dict(self) -> dict[str, object]:
        return {
            "program": self.program,
            "wage_base": self.wage_base,
            "rate": None if self.rate is None else str(self.rate),
            "employer": self.employer,
            "worker": self.worker,
            "total": self.total,
            "government": self.government,
            "recomposed": dict(self.recomposed),
            "regulation": self.regulation,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class Contribution:
    """The programs' shares (in the order of PROGRAMS) and the warnings about the wage."""

    programs: tuple[ProgramShare, ...]
    warnings: tuple[Issue, ...] = ()

    @property
    def employer(self) -> int:
        return sum(p.employer for p in self.programs)

    @property
    def worker(self) -> int:
        return sum(p.worker for p in self.programs)

    @property
    def total(self) -> int:
        return self.employer + self.worker

    def program(self, name: str) -> ProgramShare:
        for item in self.programs:
            if item.program == name:
                return item
        raise KeyError(name)

    def as_dict(self) -> dict[str, object]:
        return {
            "programs": [p.as_dict() for p in self.programs],
            "employer": self.employer,
            "worker": self.worker,
            "total": self.total,
            "rounding_policy": ROUNDING_POLICY,
            "warnings": [w.as_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class WageFloors:
    """PPU wage floors in force on a day: below `absolute` refused, below `minimum_reported` warned (0 = none)."""

    absolute: int
    minimum_reported: int
    absolute_period: Period
    minimum_period: Period


def wage_floors(book: RateBook, on: dt.date) -> WageFloors:
    absolute = book.at("wage.absolute_floor", on)
    minimum = book.at("wage.minimum_reported", on)
    return WageFloors(absolute.amount("amount"), minimum.amount("amount"), absolute, minimum)


def _cite(periods: Sequence[Period | Bracket]) -> tuple[str, str]:
    """The regulations (each once, in order) and the weakest confidence of the data used."""
    regulations = list(dict.fromkeys(p.regulation for p in periods))
    return "; ".join(regulations), weakest(p.confidence for p in periods)


def _fail(issues: Sequence[Issue], total: int | None = None) -> ValidationFailed:
    message = issues[0].message
    more = (total if total is not None else len(issues)) - 1
    if more > 0:
        message += f" (dan {more} masalah lain)"
    return ValidationFailed(message, list(issues))


def normalise_request(
    programs: Sequence[str] | str,
    segment: str,
    *,
    risk_class: int | None = None,
    wage: int | None = None,
    lang: Lang = "id",
) -> tuple[tuple[str, ...], str]:
    """Check a request and return (programs in the order of PROGRAMS, segment). "jkk, jkm" is read as a list.

    Refuses: no program, an unknown or repeated program, an unknown segment, JP or JKP for BPU, JKP without
    JKK and JKM, a risk class outside 1-5, a wage that is not more than 0.
    """
    issues: list[Issue] = []

    def add(code: str, column: str, value: object = None, detail: str | None = None) -> None:
        text = None if value is None else str(value)
        issues.append(Issue(None, column, code, render(code, lang, value=text, detail=detail), text))

    names = [p.strip().upper() for p in (programs.split(",") if isinstance(programs, str) else programs)]
    names = [n for n in names if n]
    normal_segment = segment.strip().lower() if isinstance(segment, str) else str(segment)
    if normal_segment not in SEGMENTS:
        add("SEGMENT_UNKNOWN", "segment", segment)
    if not names:
        add("PROGRAMS_EMPTY", "programs")
    seen: set[str] = set()
    for name in names:
        if name not in PROGRAMS:
            add("PROGRAM_UNKNOWN", "programs", name, ", ".join(PROGRAMS))
        elif name in seen:
            add("PROGRAM_DUPLICATE", "programs", name)
        elif normal_segment == "bpu" and name not in BPU_PROGRAMS:
            add("PROGRAM_NOT_FOR_BPU", "programs", name)
        seen.add(name)
    if normal_segment == "ppu" and "JKP" in seen and not {"JKK", "JKM"} <= seen:
        add("JKP_NEEDS_JKK_JKM", "programs", "JKP")
    if risk_class is not None and (isinstance(risk_class, bool) or risk_class not in RISK_CLASSES):
        add("RISK_CLASS_INVALID", "risk_class", risk_class)
    if wage is not None and wage <= 0:
        add("WAGE_NOT_POSITIVE", "wage", wage)
    if issues:
        raise _fail(issues)
    return tuple(p for p in PROGRAMS if p in seen), normal_segment


@dataclass(frozen=True)
class _Plan:
    """The periods in force for one request on one day: what both the scalar and the frame rules read."""

    programs: tuple[str, ...]
    segment: str
    periods: Mapping[str, Period]  # by key, only the keys the request needs
    brackets: tuple[Bracket, ...] = ()
    floors: WageFloors | None = None

    def has(self, program: str) -> bool:
        return program in self.programs

    def pct(self, key: str, name: str) -> Decimal:
        return self.periods[key].percent(name)

    def amt(self, key: str, name: str) -> int:
        return self.periods[key].amount(name)


def _plan(book: RateBook, programs: tuple[str, ...], segment: str, on: dt.date) -> _Plan:
    keys: list[str] = []
    if segment == "ppu":
        wanted = {
            "JKK": [f"jkk.{c}" for c in RISK_CLASSES],
            "JKM": ["jkm"],
            "JHT": ["jht"],
            "JP": ["jp", "jp.cap"],
            "JKP": ["jkp", "jkp.government", "jkp.from_jkk", "jkp.from_jkm", "jkp.cap"],
        }
        keys = [k for p in programs for k in wanted[p]]
        periods = {k: book.at(k, on) for k in keys}
        return _Plan(programs, segment, MappingProxyType(periods), floors=wage_floors(book, on))
    keys = [f"bpu.{p.lower()}" for p in programs]
    periods = {k: book.at(k, on) for k in keys}
    return _Plan(programs, segment, MappingProxyType(periods), brackets=book.brackets_at(on))


def _percent_share(program: str, base: int, period: Period, *also: Period | Bracket) -> ProgramShare:
    employer, worker = period.percent("employer"), period.percent("worker")
    regulation, confidence = _cite([period, *also])
    return ProgramShare(
        program, base, employer + worker, share(base, employer), share(base, worker), regulation, confidence
    )


def _ppu_shares(plan: _Plan, wage: int, risk_class: int) -> list[ProgramShare]:
    p = plan.periods
    shares = []
    if plan.has("JKK"):
        shares.append(_percent_share("JKK", wage, p[f"jkk.{risk_class}"]))
    if plan.has("JKM"):
        shares.append(_percent_share("JKM", wage, p["jkm"]))
    if plan.has("JHT"):
        shares.append(_percent_share("JHT", wage, p["jht"]))
    if plan.has("JP"):
        shares.append(_percent_share("JP", min(wage, plan.amt("jp.cap", "amount")), p["jp"], p["jp.cap"]))
    if plan.has("JKP"):
        base = min(wage, plan.amt("jkp.cap", "amount"))
        used = [p[k] for k in ("jkp", "jkp.government", "jkp.from_jkk", "jkp.from_jkm", "jkp.cap")]
        regulation, confidence = _cite(used)
        shares.append(
            ProgramShare(
                "JKP",
                base,
                plan.pct("jkp", "rate"),
                share(base, plan.pct("jkp", "employer")),
                share(base, plan.pct("jkp", "worker")),
                regulation,
                confidence,
                government=share(base, plan.pct("jkp.government", "rate")),
                recomposed=MappingProxyType(
                    {
                        "JKK": share(base, plan.pct("jkp.from_jkk", "rate")),
                        "JKM": share(base, plan.pct("jkp.from_jkm", "rate")),
                    }
                ),
            )
        )
    return shares


def _bpu_shares(plan: _Plan, income: int) -> list[ProgramShare]:
    bracket = next(b for b in plan.brackets if b.contains(income))
    base = bracket.base_for(income)
    shares = []
    for program in plan.programs:
        period = plan.periods[f"bpu.{program.lower()}"]
        if "amount" in period.values:
            regulation, confidence = _cite([period])
            shares.append(ProgramShare(program, base, None, 0, period.amount("amount"), regulation, confidence))
        else:
            rate = period.percent("rate")
            regulation, confidence = _cite([period, bracket])
            shares.append(ProgramShare(program, base, rate, 0, share(base, rate), regulation, confidence))
    return shares


def _floor_issues(floors: WageFloors, wage: int, lang: Lang) -> tuple[list[Issue], list[Issue]]:
    """(errors, warnings) of the PPU wage floors for one wage."""
    errors, warnings = [], []
    if wage < floors.absolute:
        detail = f"{rupiah(floors.absolute)}, {floors.absolute_period.regulation}"
        message = render("WAGE_UNDER_ABSOLUTE_FLOOR", lang, value=thousands(wage), detail=detail)
        errors.append(Issue(None, "wage", "WAGE_UNDER_ABSOLUTE_FLOOR", message, str(wage)))
    elif wage < floors.minimum_reported:
        detail = f"{rupiah(floors.minimum_reported)}, {floors.minimum_period.regulation}"
        message = render("WAGE_UNDER_MINIMUM_REPORTED", lang, value=thousands(wage), detail=detail)
        warnings.append(Issue(None, "wage", "WAGE_UNDER_MINIMUM_REPORTED", message, str(wage), "warning"))
    return errors, warnings


def compute_contribution(
    book: RateBook,
    *,
    wage: int,
    programs: Sequence[str] | str,
    risk_class: int,
    segment: str,
    on: dt.date,
    lang: Lang = "id",
) -> Contribution:
    """The iuran of one worker for the month containing `on`, with the rates in force on `on`.

    For PPU `wage` is the reported monthly wage; for BPU it is the declared income (the risk class is checked
    but not used: BPU JKK is one rate). Raises ValidationFailed for a bad request, a wage under the absolute
    floor, or a rate not in force on `on` (RATE_MISSING, e.g. any rate before 2015-07-01, JKP before 2021-02-02).
    """
    chosen, normal_segment = normalise_request(programs, segment, risk_class=risk_class, wage=wage, lang=lang)
    plan = _plan(book, chosen, normal_segment, on)
    if plan.floors is None:
        return Contribution(tuple(_bpu_shares(plan, wage)))
    errors, warnings = _floor_issues(plan.floors, wage, lang)
    if errors:
        raise _fail(errors)
    return Contribution(tuple(_ppu_shares(plan, wage, risk_class)), tuple(warnings))


# The same rules over a frame ------------------------------------------------------------------------------------


def _zero() -> pl.Expr:
    return pl.lit(0, pl.Int64)


def _share_or_zero(base: pl.Expr, rate: Decimal) -> pl.Expr:
    return _zero() if rate == 0 else share_expr(base, rate)


def _class_share(base: pl.Expr, classes: pl.Expr, rates: Mapping[int, Decimal]) -> pl.Expr:
    """`share` with the rate of each row's risk class: numerators over one common denominator."""
    if all(r == 0 for r in rates.values()):
        return _zero()
    fractions = {c: percent_fraction(r) for c, r in rates.items()}
    denominator = lcm(*(d for _, d in fractions.values()))
    numerators = {c: n * (denominator // d) for c, (n, d) in fractions.items()}
    return share_fraction_expr(base, classes.replace_strict(numerators, return_dtype=pl.Int64), denominator)


def _bracket_base(wage: pl.Expr, brackets: Sequence[Bracket]) -> pl.Expr:
    """The BPU base of each row from the bracket table (rows start at income 0 and are contiguous)."""

    def base(bracket: Bracket) -> pl.Expr:
        return wage if bracket.base is None else pl.lit(bracket.base, pl.Int64)

    *closed, last = brackets
    expr = base(last)
    for bracket in reversed(closed):
        expr = pl.when(wage <= bracket.income_to).then(base(bracket)).otherwise(expr)
    return expr


def _row_issues(plan: _Plan, frame: pl.DataFrame, lang: Lang) -> None:
    """Refuse the frame when a row would be refused by `compute_contribution` (row = 1-based row number)."""
    for column in ("wage", "risk_class") if plan.segment == "ppu" else ("wage",):
        if column not in frame.columns or not frame.schema[column].is_integer():
            raise TypeError(f"contribution_frame needs an integer column {column!r}; the frame has {frame.schema}")
    wage = pl.col("wage")
    checks: list[tuple[str, str, pl.Expr, str | None]] = [
        ("WAGE_NOT_POSITIVE", "wage", wage.is_null() | (wage <= 0), None),
    ]
    if plan.floors is not None:
        floors = plan.floors
        detail = f"{rupiah(floors.absolute)}, {floors.absolute_period.regulation}"
        checks.append(("WAGE_UNDER_ABSOLUTE_FLOOR", "wage", (wage > 0) & (wage < floors.absolute), detail))
        classes = pl.col("risk_class")
        checks.append(("RISK_CLASS_INVALID", "risk_class", classes.is_null() | ~classes.is_in(RISK_CLASSES), None))
    issues: list[Issue] = []
    total = 0
    indexed = frame.with_row_index("_row", offset=1)
    for code, column, failing, fact in checks:
        bad = indexed.filter(failing.fill_null(False))
        total += bad.height
        for row, value in bad.head(_MAX_ROW_ISSUES - len(issues)).select("_row", column).iter_rows():
            shown = thousands(value) if code == "WAGE_UNDER_ABSOLUTE_FLOOR" else value
            text = None if value is None else str(value)
            message = render(code, lang, value=None if shown is None else str(shown), detail=fact)
            issues.append(Issue(int(row), column, code, message, text))
    if issues:
        raise _fail(issues, total)


def contribution_frame(
    book: RateBook,
    frame: pl.DataFrame,
    *,
    programs: Sequence[str] | str,
    segment: str,
    on: dt.date,
    lang: Lang = "id",
) -> pl.DataFrame:
    """`frame` with the FRAME_COLUMNS added (Int64 rupiah; `under_minimum_reported` Boolean), row by row equal
    to `compute_contribution` with the same programs, segment and day.

    Reads `wage` (an integer column: reported wage, or declared income for BPU) and, for PPU, `risk_class`
    (1-5, per row because a unit may override the employer's class). `wage_base` is the wage (PPU) or the
    bracket base (BPU). For BPU `jkk`, `jkm` and `jht_worker` are the participant's own (in `worker`).
    Columns of programs not chosen are 0. Refuses (ValidationFailed, issues with 1-based row numbers, at most
    100) a frame with a row `compute_contribution` would refuse; a wage below the minimum reported wage is not
    refused but flagged in `under_minimum_reported`.
    """
    chosen, normal_segment = normalise_request(programs, segment, lang=lang)
    plan = _plan(book, chosen, normal_segment, on)
    _row_issues(plan, frame, lang)
    wage = pl.col("wage").cast(pl.Int64)
    zero = _zero()
    base, jp_base, jkp_base = pl.col("wage_base"), pl.col("jp_base"), pl.col("jkp_base")
    employer: list[str] = []
    worker: list[str] = []
    if plan.floors is not None:
        p = plan.periods
        frame = frame.with_columns(
            wage.alias("wage_base"),
            pl.min_horizontal(wage, pl.lit(plan.amt("jp.cap", "amount"), pl.Int64)).alias("jp_base")
            if plan.has("JP")
            else zero.alias("jp_base"),
            pl.min_horizontal(wage, pl.lit(plan.amt("jkp.cap", "amount"), pl.Int64)).alias("jkp_base")
            if plan.has("JKP")
            else zero.alias("jkp_base"),
        )
        parts: dict[str, pl.Expr] = {}
        if plan.has("JKK"):
            classes = pl.col("risk_class")
            for payer in ("employer", "worker"):
                rates = {c: p[f"jkk.{c}"].percent(payer) for c in RISK_CLASSES}
                parts[f"_jkk_{payer}"] = _class_share(base, classes, rates)
        for program, key, program_base in (("JKM", "jkm", base), ("JHT", "jht", base), ("JP", "jp", jp_base)):
            for payer in ("employer", "worker"):
                rate = p[key].percent(payer) if plan.has(program) else Decimal(0)
                parts[f"_{key}_{payer}"] = _share_or_zero(program_base, rate)
        jkp_rates = {
            "_jkp_employer": ("jkp", "employer"),
            "_jkp_worker": ("jkp", "worker"),
            "jkp_government": ("jkp.government", "rate"),
            "jkp_from_jkk": ("jkp.from_jkk", "rate"),
            "jkp_from_jkm": ("jkp.from_jkm", "rate"),
        }
        for name, (key, rate_field) in jkp_rates.items():
            parts[name] = _share_or_zero(jkp_base, plan.pct(key, rate_field) if plan.has("JKP") else Decimal(0))
        parts.setdefault("_jkk_employer", zero)
        parts.setdefault("_jkk_worker", zero)
        frame = frame.with_columns(**parts)
        employer = ["_jkk_employer", "_jkm_employer", "_jht_employer", "_jp_employer", "_jkp_employer"]
        worker = ["_jkk_worker", "_jkm_worker", "_jht_worker", "_jp_worker", "_jkp_worker"]
        frame = frame.with_columns(
            (pl.col("_jkk_employer") + pl.col("_jkk_worker")).alias("jkk"),
            (pl.col("_jkm_employer") + pl.col("_jkm_worker")).alias("jkm"),
            pl.col("_jht_employer").alias("jht_employer"),
            pl.col("_jht_worker").alias("jht_worker"),
            pl.col("_jp_employer").alias("jp_employer"),
            pl.col("_jp_worker").alias("jp_worker"),
            pl.sum_horizontal(employer).alias("employer"),
            pl.sum_horizontal(worker).alias("worker"),
            (wage < plan.floors.minimum_reported).alias("under_minimum_reported"),
        ).drop(*employer, *worker)
    else:
        frame = frame.with_columns(_bracket_base(wage, plan.brackets).alias("wage_base"))
        amounts: dict[str, pl.Expr] = {}
        for program, column in (("JKK", "jkk"), ("JKM", "jkm"), ("JHT", "jht_worker")):
            if not plan.has(program):
                amounts[column] = zero
                continue
            period = plan.periods[f"bpu.{program.lower()}"]
            if "amount" in period.values:
                amounts[column] = pl.lit(period.amount("amount"), pl.Int64)
            else:
                amounts[column] = _share_or_zero(base, period.percent("rate"))
        frame = frame.with_columns(
            **amounts,
            jht_employer=zero,
            jp_base=zero,
            jp_employer=zero,
            jp_worker=zero,
            jkp_base=zero,
            jkp_government=zero,
            jkp_from_jkk=zero,
            jkp_from_jkm=zero,
            employer=zero,
        )
        frame = frame.with_columns(
            pl.sum_horizontal("jkk", "jkm", "jht_worker").alias("worker"),
            pl.lit(False).alias("under_minimum_reported"),
        )
    frame = frame.with_columns((pl.col("employer") + pl.col("worker")).alias("total"))
    others = [c for c in frame.columns if c not in FRAME_COLUMNS]
    return frame.select(*others, *FRAME_COLUMNS)
