"""A claim (klaim santunan) as a state machine, its document checklist and its reporting deadlines.

    reported ──complete──▶ complete ──verify──▶ verified ──approve──▶ approved ──pay──▶ paid
        ▲                      │                    │
        └──────return──────────┘                    └──reject──▶ rejected

Who may make each move (DESIGN.md §1): the OPD clerk or the Pemda admin reports a case and completes its
documents; the BPJS TK branch officer verifies, returns an incomplete file, approves, rejects and records the
payment. Rejecting and returning need a reason; every move is recorded with who and when by the service.

Reporting deadlines for JKK (reference §3.3, Permenaker 5/2021): laporan tahap I within 2 x 24 hours of the
accident, tahap II within 2 x 24 hours of the doctor's statement (recovery, disability or death); both are
hours, not working days. The employer answers BPJS TK's request for more data within 14 working days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lindung.domain.errors import InvalidTransition, PermissionDenied, ValidationFailed
from lindung.domain.periods import add_months

__all__ = [
    "CHECKLISTS",
    "DOCUMENTS",
    "KINDS",
    "OUTCOMES",
    "STATES",
    "TRANSITIONS",
    "Deadline",
    "FollowUp",
    "check_transition",
    "checklist",
    "follow_ups",
    "missing_documents",
    "report_deadlines",
]

KINDS = {"jkk_accident": "JKK kecelakaan kerja", "jkk_disease": "JKK penyakit akibat kerja", "jkm": "JKM"}
# How a JKK case ended (the doctor's statement of tahap II); a JKM case is always a death.
OUTCOMES = {
    "recovered": "sembuh",
    "disabled_partial": "cacat sebagian",
    "disabled_total": "cacat total tetap",
    "died": "meninggal dunia",
}
STATES = {
    "reported": "dilaporkan",
    "complete": "berkas lengkap",
    "verified": "diverifikasi cabang",
    "approved": "disetujui",
    "rejected": "ditolak",
    "paid": "dibayar",
}
MAKERS = frozenset({"opd", "pemda"})
BRANCH = frozenset({"cabang"})


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    roles: frozenset[str]
    needs_reason: bool = False
    label: str = ""


TRANSITIONS = (
    Transition("complete", "reported", "complete", MAKERS, label="berkas dinyatakan lengkap"),
    Transition("return", "complete", "reported", BRANCH, True, "berkas dikembalikan"),
    Transition("verify", "complete", "verified", BRANCH, label="diverifikasi cabang"),
    Transition("approve", "verified", "approved", BRANCH, label="disetujui"),
    Transition("reject", "verified", "rejected", BRANCH, True, "ditolak"),
    Transition("reject", "complete", "rejected", BRANCH, True, "ditolak"),
    Transition("pay", "approved", "paid", BRANCH, label="dibayar"),
)
ACTION_LABELS = {  # the history's words for each recorded move
    "report": "dilaporkan",
    "stage_2": "laporan tahap II",
    "heirs": "ahli waris dicatat",
    "document": "berkas diunggah",
    **{t.action: t.label for t in TRANSITIONS},
}
NEXT_STEP = {
    "reported": "lengkapi berkas (OPD/Pemda)",
    "complete": "verifikasi oleh kantor cabang BPJS TK",
    "verified": "keputusan kantor cabang: disetujui atau ditolak",
    "approved": "pembayaran manfaat oleh BPJS TK",
    "rejected": "selesai: klaim ditolak",
    "paid": "selesai: manfaat dibayar",
}


def check_transition(state: str, action: str, role: str, reason: str = "") -> str:
    """The state after `action` from `state` by someone of `role`; refused with the reason why otherwise."""
    moves = [t for t in TRANSITIONS if t.action == action]
    if not moves:
        raise ValidationFailed(
            f"Tindakan {action!r} tidak dikenal; pilih {', '.join(sorted({t.action for t in TRANSITIONS}))}"
        )
    move = next((t for t in moves if t.source == state), None)
    if move is None:
        sources = " atau ".join(STATES[t.source] for t in moves)
        raise InvalidTransition(f"Klaim berstatus {STATES.get(state, state)}: '{action}' hanya dari status {sources}")
    if role not in move.roles:
        raise PermissionDenied(f"Peran {role} tidak boleh melakukan '{action}' pada klaim")
    if move.needs_reason and not reason.strip():
        raise ValidationFailed(f"'{action}' memerlukan alasan")
    return move.target


# --- documents ------------------------------------------------------------------------------------------

DOCUMENTS = {
    "kpj": "Kartu peserta (KPJ)",
    "ktp_worker": "KTP peserta",
    "ktp_heir": "KTP ahli waris",
    "death_certificate": "Akta/surat keterangan kematian",
    "family_card": "Kartu keluarga (KK)",
    "heir_statement": "Surat keterangan ahli waris",
    "marriage_book": "Buku nikah",
    "employer_letter": "Surat keterangan pemberi kerja",
    "bank_book": "Buku tabungan",
    "report_stage_1": "Laporan kecelakaan kerja tahap I",
    "doctor_letter": "Surat keterangan dokter",
    "transport_receipts": "Kuitansi pengangkutan",
    "treatment_receipts": "Kuitansi pengobatan",
}
_DEATH = (
    "kpj",
    "ktp_worker",
    "ktp_heir",
    "death_certificate",
    "family_card",
    "heir_statement",
    "employer_letter",
    "bank_book",
)
_ACCIDENT = ("kpj", "ktp_worker", "report_stage_1", "doctor_letter", "transport_receipts", "treatment_receipts")
# Reference §3.6 (JKM) and §3.3 (JKK tahap II); the marriage book only where a spouse is the heir.
CHECKLISTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("jkm", "died"): _DEATH,
    ("jkk_accident", "died"): (*_DEATH, "report_stage_1", "doctor_letter"),
    ("jkk_disease", "died"): (*_DEATH, "report_stage_1", "doctor_letter"),
    ("jkk_accident", "recovered"): _ACCIDENT,
    ("jkk_disease", "recovered"): _ACCIDENT,
    ("jkk_accident", "disabled_total"): (*_ACCIDENT, "bank_book"),
    ("jkk_disease", "disabled_total"): (*_ACCIDENT, "bank_book"),
    ("jkk_accident", "disabled_partial"): (*_ACCIDENT, "bank_book"),
    ("jkk_disease", "disabled_partial"): (*_ACCIDENT, "bank_book"),
    ("jkk_accident", ""): _ACCIDENT,  # outcome not yet known: what tahap I and II need at least
    ("jkk_disease", ""): _ACCIDENT,
}


def checklist(kind: str, outcome: str, *, spouse_is_heir: bool = False) -> tuple[str, ...]:
    needed = CHECKLISTS[(kind, "died" if kind == "jkm" else outcome)]
    return (*needed, "marriage_book") if spouse_is_heir and "death_certificate" in needed else needed


def missing_documents(kind: str, outcome: str, present: set[str], *, spouse_is_heir: bool = False) -> list[str]:
    return [d for d in checklist(kind, outcome, spouse_is_heir=spouse_is_heir) if d not in present]


# --- deadlines -------------------------------------------------------------------------------------------

REPORT_HOURS = 48  # 2 x 24 hours, for tahap I and tahap II alike
ANSWER_WORKING_DAYS = 14


@dataclass(frozen=True)
class Deadline:
    what: str
    due: dt.datetime
    done: dt.datetime | None

    def missed(self, now: dt.datetime) -> bool:
        return (self.done or now) > self.due

    def as_dict(self, now: dt.datetime) -> dict[str, object]:
        return {
            "what": self.what,
            "due": self.due.isoformat(),
            "done": self.done.isoformat() if self.done else None,
            "missed": self.missed(now),
        }


def report_deadlines(
    kind: str,
    event_at: dt.datetime,
    reported_at: dt.datetime,
    doctor_at: dt.datetime | None = None,
    stage_2_at: dt.datetime | None = None,
) -> list[Deadline]:
    """The JKK reporting deadlines of a case (none for JKM, whose claim the heir files after the death)."""
    if kind == "jkm":
        return []
    hours = dt.timedelta(hours=REPORT_HOURS)
    found = [Deadline("laporan tahap I", event_at + hours, reported_at)]
    if doctor_at is not None:
        found.append(Deadline("laporan tahap II", doctor_at + hours, stage_2_at))
    return found


def answer_due(asked_on: dt.date, add_working_days: Callable[[dt.date, int], dt.date]) -> dt.date:
    """When the employer must answer BPJS TK's request for more data: 14 working days (Permenaker 5/2021
    Pasal 18), counted with the holiday calendar the caller passes (`lokal-id`'s)."""
    return add_working_days(asked_on, ANSWER_WORKING_DAYS)


# --- scheduled follow-ups ---------------------------------------------------------------------------------

SCHOOL_YEAR_STARTS = (7, 15)  # the Indonesian school year begins in mid-July: the scholarship is renewed then
STMB_FULL_MONTHS = 12  # STMB is the full wage for the first 12 months, then half (rates: benefit.jkk.stmb)


@dataclass(frozen=True)
class FollowUp:
    """A dated task a case leaves behind: a scholarship renewal each school year, an STMB month to claim."""

    due: dt.date
    code: str  # "scholarship_renewal" | "stmb_month"
    what: str

    def as_dict(self, today: dt.date) -> dict[str, object]:
        return {"due": self.due.isoformat(), "code": self.code, "what": self.what, "overdue": self.due < today}


def follow_ups(
    kind: str,
    state: str,
    outcome: str,
    event_day: dt.date,
    today: dt.date,
    *,
    paid_on: dt.date | None = None,
    scholars: Sequence[tuple[str, dt.date]] = (),
) -> list[FollowUp]:
    """The dated tasks of a case, soonest first.

    - While a JKK case waits for the doctor's statement (no outcome yet), the worker is on STMB: one task a month
      after the accident, for each month up to the next one from `today` ("100 %" for the first 12, then "50 %").
    - Once a claim with scholarship children is paid, each child's scholarship is renewed every school year (mid
      July) on proof of schooling, until the day before the child turns 23 (`scholars`: name, last day).
    A rejected case leaves nothing to do."""
    if state == "rejected":
        return []
    tasks: list[FollowUp] = []
    if kind != "jkm" and not outcome:
        month = 1
        while (due := add_months(event_day, month)) <= add_months(today, 1):
            share = "100%" if month <= STMB_FULL_MONTHS else "50%"
            tasks.append(FollowUp(due, "stmb_month", f"STMB bulan ke-{month} ({share} upah): ajukan penggantian upah"))
            month += 1
    if state == "paid" and paid_on is not None:
        for name, until in scholars:
            year = paid_on.year + (1 if (paid_on.month, paid_on.day) >= SCHOOL_YEAR_STARTS else 0)
            while (due := dt.date(year, *SCHOOL_YEAR_STARTS)) <= until:
                tasks.append(
                    FollowUp(
                        due,
                        "scholarship_renewal",
                        f"Beasiswa {name}, tahun ajaran {year}/{year + 1}: kirim bukti masih sekolah",
                    )
                )
                year += 1
    return sorted(tasks, key=lambda t: (t.due, t.code, t.what))
