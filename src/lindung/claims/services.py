"""Claim use cases: report a case, record the outcome, the heirs and the documents, move it, pay it.

Every function takes the caller's `Scope` and checks it here, so the web, the API and the command line
cannot differ: a worker or claim outside the scope is NotFound, a move the role may not make is
PermissionDenied (domain.claims decides which role makes which move).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lindung.accounts.scope import Scope
from lindung.billing.models import InvoiceLine
from lindung.billing.services import statements
from lindung.claims.models import Claim, ClaimDocument, ClaimEvent, Heir
from lindung.domain import claims as rules
from lindung.domain.benefits import compute_benefit
from lindung.domain.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from lindung.domain.formats import rupiah, too_big
from lindung.domain.heirs import FamilyMember, decide_heirs
from lindung.domain.periods import month_start
from lindung.domain.rates import load_rate_book
from lindung.enrolment.models import Membership
from lindung.registry.models import Employer, Employment, Worker

MAX_UPLOAD = 10_000_000  # decimal megabytes, as file managers show them
# What a file must begin with to be what its name says (the name alone proves nothing).
SIGNATURES = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}


def program_of(kind: str) -> str:
    return "JKM" if kind == "jkm" else "JKK"


def coverage_on(employment: Employment, day: dt.date, program: str) -> tuple[Membership | None, dict[str, Any]]:
    """Whether the worker was covered for `program` on `day` through `employment`, with the evidence."""
    valid = Membership.objects.filter(employment=employment, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    membership = valid.exclude(status=Membership.Status.REJECTED).select_related("agreement").first()
    evidence: dict[str, Any] = {"on": day.isoformat(), "program": program}
    if membership is None:
        rejected = valid.filter(status=Membership.Status.REJECTED).exists()
        evidence["membership"] = "ditolak BPJS TK" if rejected else "tidak ada kepesertaan pada hari itu"
        evidence["covered"] = False
        return None, evidence
    programs = membership.agreement.programs.split(",")
    evidence["membership"] = f"{membership.get_status_display()} sejak {membership.valid_from.isoformat()}"
    evidence["kpj"] = membership.kpj
    evidence["in_agreement"] = program in programs
    evidence["programs"] = programs
    period = month_start(day)
    line = InvoiceLine.objects.filter(membership=membership, invoice__period=period).select_related(
        "invoice__agreement"
    )
    found = line.first()
    if found is None:
        evidence["contribution"] = "iuran bulan itu belum ditagih"
    else:
        (statement,) = statements([found.invoice], timezone.localdate())
        evidence["contribution"] = (
            f"lunas ({found.invoice.number})"
            if statement.balance <= 0
            else f"menunggak {rupiah(statement.balance)} ({found.invoice.number})"
        )
    evidence["covered"] = bool(evidence["in_agreement"])
    return membership, evidence


def _contribution_months(worker: Worker, employer: Employer, day: dt.date) -> int:
    first = (
        Membership.objects.filter(worker=worker, employer=employer, valid_from__lte=day)
        .exclude(status=Membership.Status.REJECTED)
        .order_by("valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    if first is None:
        return 0
    return (day.year - first.year) * 12 + day.month - first.month + 1


def _number(employer: Employer, year: int) -> str:
    Employer.objects.select_for_update().filter(pk=employer.pk).first()
    prefix = f"KLAIM-{employer.region_id}-{year}-"
    return f"{prefix}{Claim.objects.filter(number__startswith=prefix).count() + 1:06d}"


def _benefit(claim: Claim) -> dict[str, Any]:
    """The benefit the claim's kind and outcome give, or why it cannot be computed yet."""
    day = timezone.localtime(claim.event_at).date()
    children = sum(1 for _ in _decision(claim).scholarship) if claim.kind == "jkm" or claim.outcome == "died" else 0
    kw: dict[str, Any]
    if claim.kind == "jkm":
        kind, kw = "jkm", {"contribution_months": claim.contribution_months, "children": children}
    elif claim.outcome == "died":
        kind, kw = "jkk-death", {"wage": claim.wage, "children": children}
    elif claim.outcome == "disabled_total":
        kind, kw = "jkk-disability-total", {"wage": claim.wage}
    elif claim.outcome == "disabled_partial":
        parts = tuple((code, Decimal(lost)) for code, lost in claim.disability_parts)
        kind, kw = "jkk-disability-partial", {"wage": claim.wage, "parts": parts}
    elif claim.outcome == "recovered" and claim.doctor_at:
        end = claim.doctor_at.date()
        months = max(1, (end.year - day.year) * 12 + end.month - day.month + (end.day > day.day))
        kind, kw = "stmb", {"wage": claim.wage, "months": months}
    else:
        return {"pending": "manfaat dihitung setelah laporan tahap II (surat keterangan dokter)"}
    return compute_benefit(load_rate_book(), kind, day, **kw).as_dict()


def _decision(claim: Claim) -> Any:
    family = [FamilyMember(h.relation, h.nik, h.name, h.birth_date, h.married, h.working) for h in claim.heirs.all()]
    return decide_heirs("jkm" if claim.kind == "jkm" else "jkk", family, timezone.localtime(claim.event_at).date())


def _record(claim: Claim, action: str, source: str, target: str, actor: str, reason: str = "") -> None:
    ClaimEvent.objects.create(claim=claim, action=action, source=source, target=target, actor=actor, reason=reason)


def report_claim(
    scope: Scope,
    *,
    nik: str,
    kind: str,
    event_at: dt.datetime,
    place: str,
    description: str,
    actor: str,
    unit_code: str | None = None,
    wage: int | None = None,
    wage_reason: str = "",
) -> Claim:
    """A new case for a worker of the scope, with whether they were covered on the event day."""
    scope.require("claims.report")
    if kind not in rules.KINDS:
        raise ValidationFailed(f"Jenis klaim {kind!r} tidak dikenal; pilih {', '.join(rules.KINDS)}")
    if not place.strip() or not description.strip():
        raise ValidationFailed("Tempat dan uraian kejadian wajib diisi")
    now = timezone.now()
    if event_at > now:
        raise ValidationFailed("Tanggal kejadian tidak boleh di masa depan")
    day = timezone.localtime(event_at).date() if timezone.is_aware(event_at) else event_at.date()
    employments = scope.restrict(Employment.objects.select_related("worker", "unit", "employer")).filter(
        worker__nik=nik.strip()
    )
    if unit_code:
        employments = employments.filter(unit__code=unit_code)
    found = list(employments.order_by("-start_date"))
    if not found:
        raise NotFound("Pekerja dengan NIK itu tidak ada di lingkup Anda")
    on_day = [e for e in found if e.start_date <= day and (e.end_date is None or e.end_date >= day)]
    if not on_day:
        first = min(e.start_date for e in found)
        raise ValidationFailed(
            f"Pada {day.isoformat()} pekerja itu tidak bekerja di unit Anda (mulai bekerja {first.isoformat()}); "
            "kejadian sebelum penugasan dimulai atau sesudah berakhir tidak dapat dilaporkan di sini"
        )
    if len(on_day) > 1 and not unit_code:
        units = ", ".join(sorted(e.unit.code for e in on_day))
        raise ValidationFailed(f"Pekerja itu bertugas di beberapa unit pada hari itu ({units}): sebutkan unitnya")
    employment = on_day[0]
    if wage is not None and wage != employment.wage and not wage_reason.strip():
        raise ValidationFailed(f"Upah {wage} berbeda dari upah penugasan ({employment.wage}): tuliskan alasannya")
    if wage is not None and not 0 < wage < 10**12:
        raise ValidationFailed(f"Upah {wage} tidak masuk akal")
    membership, evidence = coverage_on(employment, day, program_of(kind))
    with transaction.atomic():
        claim = Claim.objects.create(
            number=_number(employment.employer, day.year),
            employer=employment.employer,
            unit=employment.unit,
            worker=employment.worker,
            employment=employment,
            kind=kind,
            outcome="died" if kind == "jkm" else "",
            event_at=event_at,
            place=place.strip(),
            description=description.strip(),
            wage=employment.wage if wage is None else wage,
            wage_reason=wage_reason.strip(),
            membership=membership,
            covered=evidence["covered"],
            coverage=evidence,
            contribution_months=_contribution_months(employment.worker, employment.employer, day),
            reported_by=actor,
            reported_at=now,
        )
        claim.benefit = _benefit(claim)
        claim.save(update_fields=["benefit"])
        _record(claim, "report", "", "reported", actor)
    return claim


def get_claim(scope: Scope, number: str) -> Claim:
    scope.require("claims.view")
    return scope.get(Claim.objects.select_related("employer", "unit", "worker", "membership"), number=number)


def record_outcome(
    scope: Scope,
    number: str,
    *,
    outcome: str,
    doctor_at: dt.datetime,
    actor: str,
    parts: Sequence[tuple[str, Decimal]] = (),
) -> Claim:
    """Laporan tahap II: how a JKK case ended, from the doctor's statement; the benefit follows from it. A partial
    disability names the body parts of the table and the percent of function lost (`parts`)."""
    scope.require("claims.report")
    with transaction.atomic():
        claim = get_claim(scope, number)
        if claim.kind == "jkm":
            raise ValidationFailed("Klaim JKM tidak memerlukan laporan tahap II")
        if outcome not in rules.OUTCOMES:
            raise ValidationFailed(f"Hasil {outcome!r} tidak dikenal; pilih {', '.join(rules.OUTCOMES)}")
        if claim.state != "reported":
            raise InvalidTransition("Laporan tahap II hanya selama klaim berstatus dilaporkan")
        if doctor_at < claim.event_at:
            raise ValidationFailed("Surat keterangan dokter tidak boleh sebelum kejadian")
        if outcome == "disabled_partial" and not parts:
            raise ValidationFailed(
                "Cacat sebagian memerlukan bagian tubuh, mis. lengan_kanan_bahu atau telunjuk_kiri:50"
            )
        if parts and outcome != "disabled_partial":
            raise ValidationFailed("Bagian tubuh hanya dicatat untuk hasil cacat sebagian")
        claim.outcome, claim.doctor_at, claim.stage_2_at = outcome, doctor_at, timezone.now()
        claim.disability_parts = [[code, str(lost)] for code, lost in parts]
        claim.benefit = _benefit(claim)  # refuses an unknown part or an impossible share, before anything is saved
        claim.save(update_fields=["outcome", "doctor_at", "stage_2_at", "disability_parts", "benefit"])
        _record(claim, "stage_2", claim.state, claim.state, actor, rules.OUTCOMES[outcome])
    return claim


def set_heirs(scope: Scope, number: str, family: list[FamilyMember], *, actor: str) -> Claim:
    """The family from the KK, replacing what was entered before (the move is recorded)."""
    scope.require("claims.report")
    with transaction.atomic():
        claim = get_claim(scope, number)
        if claim.state not in ("reported", "complete"):
            raise InvalidTransition("Ahli waris hanya dapat diubah sebelum diverifikasi cabang")
        decide_heirs(
            "jkm" if claim.kind == "jkm" else "jkk", family, timezone.localtime(claim.event_at).date()
        )  # refuses bad input
        Heir.objects.filter(claim=claim).delete()
        Heir.objects.bulk_create(
            Heir(
                claim=claim,
                relation=m.relation,
                nik=m.nik,
                name=m.name,
                birth_date=m.birth_date,
                married=m.married,
                working=m.working,
            )
            for m in family
        )
        claim.benefit = _benefit(claim)
        claim.save(update_fields=["benefit"])
        _record(claim, "heirs", claim.state, claim.state, actor, f"{len(family)} anggota keluarga")
    return claim


def attach_document(scope: Scope, number: str, *, kind: str, filename: str, data: bytes, actor: str) -> ClaimDocument:
    """A PDF or JPEG file for the checklist, checked by its content, kept under LINDUNG_DATA_DIR/claims/."""
    scope.require("claims.report")
    if kind not in rules.DOCUMENTS:
        raise ValidationFailed(f"Jenis berkas {kind!r} tidak dikenal; pilih {', '.join(rules.DOCUMENTS)}")
    suffix = Path(filename).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationFailed(f"{filename}: hanya PDF atau JPEG")
    if len(data) > MAX_UPLOAD:
        raise ValidationFailed(too_big(filename, len(data), MAX_UPLOAD))
    magic, content_type = SIGNATURES[suffix]
    if not data.startswith(magic):
        raise ValidationFailed(f"{filename}: isinya bukan {content_type.split('/')[1].upper()} seperti namanya")
    with transaction.atomic():
        claim = get_claim(scope, number)
        if claim.state not in ("reported", "complete"):
            raise InvalidTransition("Berkas hanya dapat ditambah sebelum diverifikasi cabang")
        digest = hashlib.sha256(data).hexdigest()
        relative = Path("claims") / claim.number / f"{kind}-{digest[:16]}{suffix}"
        target = Path(settings.DATA_DIR) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        doc = ClaimDocument.objects.create(
            claim=claim,
            kind=kind,
            filename=Path(filename).name[:200],
            stored=str(relative),
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=actor,
        )
        _record(claim, "document", claim.state, claim.state, actor, rules.DOCUMENTS[kind])
    return doc


def missing(claim: Claim) -> list[str]:
    present = set(claim.documents.values_list("kind", flat=True))
    spouse = claim.heirs.filter(relation__in=("istri", "suami")).exists()
    return rules.missing_documents(claim.kind, claim.outcome, present, spouse_is_heir=spouse)


def decide(scope: Scope, number: str, action: str, *, actor: str, reason: str = "") -> Claim:
    """One move of the state machine by the scope's role (complete, return, verify, approve, reject)."""
    if action == "pay":
        raise ValidationFailed("Pembayaran dicatat dengan jumlah, tanggal dan referensinya (`claim pay`)")
    scope.require("claims.view")
    with transaction.atomic():
        claim = get_claim(scope, number)
        role = "cabang" if scope.role == "super" else scope.role or ""
        if action == "complete" and scope.role == "super":
            role = "pemda"
        target = rules.check_transition(claim.state, action, role, reason)
        if action == "complete":
            lacking = missing(claim)
            if claim.kind != "jkm" and not claim.outcome:
                raise ValidationFailed("Laporan tahap II (hasil dan surat dokter) belum dicatat")
            if lacking:
                names = ", ".join(rules.DOCUMENTS[d] for d in lacking)
                raise ValidationFailed(f"Berkas belum lengkap: {names}")
        if action == "verify" and not claim.covered:
            raise Conflict(
                "Pekerja tidak terlindungi pada hari kejadian: BPJS TK tidak membayar; Pemda menanggung manfaatnya "
                "sendiri (PP 44/2015)"
            )
        source = claim.state
        claim.state = target
        if action in ("reject", "return"):
            claim.decision_reason = reason.strip()
        claim.save(update_fields=["state", "decision_reason"])
        _record(claim, action, source, target, actor, reason.strip())
    return claim


def pay(
    scope: Scope, number: str, *, amount: int, paid_on: dt.date, reference: str, actor: str, reason: str = ""
) -> Claim:
    """The payment of an approved claim: the amount must be the computed benefit unless a reason says why not."""
    scope.require("claims.view")
    with transaction.atomic():
        claim = get_claim(scope, number)
        rules.check_transition(claim.state, "pay", "cabang" if scope.role == "super" else scope.role or "", reason)
        computed = claim.benefit.get("total")
        if amount <= 0 or amount >= 10**13:
            raise ValidationFailed(f"Jumlah {amount} tidak masuk akal")
        if paid_on > timezone.localdate():
            raise ValidationFailed("Tanggal bayar tidak boleh di masa depan")
        if not reference.strip():
            raise ValidationFailed("Nomor referensi pembayaran wajib diisi")
        if amount != computed and not reason.strip():
            raise ValidationFailed(
                f"Jumlah {rupiah(amount)} berbeda dari manfaat yang dihitung {rupiah(computed or 0)}: "
                "tuliskan alasannya"
            )
        source = claim.state
        claim.state, claim.paid_amount, claim.paid_on = "paid", amount, paid_on
        claim.payment_reference, claim.amount_reason = reference.strip(), reason.strip()
        claim.save(update_fields=["state", "paid_amount", "paid_on", "payment_reference", "amount_reason"])
        _record(claim, "pay", source, "paid", actor, reason.strip())
    return claim


@dataclass(frozen=True)
class PublicStatus:
    number: str
    state: str
    next_step: str
    missing: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "state": self.state, "next_step": self.next_step, "missing": self.missing}


def public_status(number: str, birth_date: dt.date) -> PublicStatus | None:
    """For the heir: found only with the claim number and the birth date of one of its heirs (or the worker)."""
    claim = Claim.objects.filter(number=number.strip()).first()
    if claim is None:
        return None
    births = set(claim.heirs.exclude(birth_date=None).values_list("birth_date", flat=True)) | {claim.worker.birth_date}
    if birth_date not in births:
        return None
    lacking = [rules.DOCUMENTS[d] for d in missing(claim)] if claim.state == "reported" else []
    return PublicStatus(claim.number, rules.STATES[claim.state], rules.NEXT_STEP[claim.state], lacking)


def follow_ups(claim: Claim, today: dt.date, decision: Any = None) -> list[rules.FollowUp]:
    """The case's dated tasks (domain.claims.follow_ups): STMB months while a JKK case waits for the doctor,
    scholarship renewals each school year once a claim with scholarship children is paid."""
    scholars: list[tuple[str, dt.date]] = []
    if claim.state == "paid" and claim.benefit.get("scholarship", {}).get("eligible"):
        decision = decision or _decision(claim)
        scholars = [(c.name, c.until) for c in decision.scholarship]
    return rules.follow_ups(
        claim.kind,
        claim.state,
        claim.outcome,
        timezone.localtime(claim.event_at).date(),
        today,
        paid_on=claim.paid_on,
        scholars=scholars,
    )


def upcoming(scope: Scope, today: dt.date, *, days: int = 60) -> list[tuple[Claim, rules.FollowUp]]:
    """The follow-ups of the claims in the scope due from a month ago to `days` ahead, soonest first: the open JKK
    cases (STMB) and the paid ones (scholarships)."""
    since, until = today - dt.timedelta(days=31), today + dt.timedelta(days=days)
    open_jkk = Q(outcome="") & ~Q(kind="jkm") & ~Q(state="rejected")
    listed = scope.restrict(Claim.objects.select_related("worker")).filter(open_jkk | Q(state="paid"))
    found = [(c, t) for c in listed for t in follow_ups(c, today) if since <= t.due <= until]
    return sorted(found, key=lambda pair: (pair[1].due, pair[0].number))


def as_dict(claim: Claim) -> dict[str, Any]:
    """The claim for a listing, a page or the API; the worker's NIK masked (the worker's own page shows it)."""
    from lindung.domain.formats import mask_nik

    now = timezone.now()
    deadlines = rules.report_deadlines(claim.kind, claim.event_at, claim.reported_at, claim.doctor_at, claim.stage_2_at)
    death = claim.kind == "jkm" or claim.outcome == "died"
    decision = _decision(claim) if death else None
    return {
        "number": claim.number,
        "employer": claim.employer.region_id,
        "unit": claim.unit.code,
        "worker": {"name": claim.worker.name, "nik": mask_nik(claim.worker.nik)},
        "kind": claim.kind,
        "outcome": claim.outcome or None,
        "state": claim.state,
        "state_label": rules.STATES[claim.state],
        "next_step": rules.NEXT_STEP[claim.state],
        "event_at": timezone.localtime(claim.event_at).isoformat(),
        "place": claim.place,
        "wage": claim.wage,
        "wage_reason": claim.wage_reason,
        "covered": claim.covered,
        "coverage": claim.coverage,
        "pemda_pays": not claim.covered,
        "contribution_months": claim.contribution_months,
        "benefit": claim.benefit,
        "deadlines": [d.as_dict(now) for d in deadlines],
        "documents": sorted(claim.documents.values_list("kind", flat=True)),
        "missing_documents": missing(claim),
        "heirs": None
        if decision is None
        else {
            "step": decision.step,
            "recipients": [{"hubungan": m.relation, "nama": m.name} for m in decision.recipients],
            "remainder_to": decision.remainder_to,
            "needs_decision": list(decision.needs_decision),
            "scholarship": [{"nama": c.name, "until": c.until.isoformat()} for c in decision.scholarship],
        },
        "follow_ups": [t.as_dict(timezone.localdate()) for t in follow_ups(claim, timezone.localdate(), decision)],
        "events": [
            {
                "action": e.action,
                "action_label": rules.ACTION_LABELS.get(e.action, e.action),
                "from": e.source,
                "to": e.target,
                "actor": e.actor,
                "at": e.at.isoformat(),
                "reason": e.reason,
            }
            for e in claim.events.all()
        ],
        "paid": {"amount": claim.paid_amount, "on": claim.paid_on, "reference": claim.payment_reference}
        if claim.state == "paid"
        else None,
    }
