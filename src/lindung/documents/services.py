"""Issuing, revoking and verifying documents. Every change is recorded (who, when, why); nothing is deleted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from lindung.coverage.services import coverage_tree
from lindung.documents.models import Document
from lindung.documents.tokens import new_token_id, sign, unsign
from lindung.domain.errors import Conflict, NotFound
from lindung.domain.formats import mask_nik
from lindung.enrolment.models import Agreement, Membership
from lindung.enrolment.services import agreement_in_force
from lindung.registry.models import BranchOffice, Employer
from lindung.registry.services import get_employer

PREFIX: dict[str, str] = {Document.Kind.EMPLOYER: "SERT", Document.Kind.CARD: "KARTU", Document.Kind.AWARD: "PIAGAM"}


def verification_url(document: Document) -> str:
    """The address in the QR code: the public verification page of this document's signed token."""
    base = str(getattr(settings, "PUBLIC_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}/verifikasi/{sign(document.token_id)}"


BPJS_TK = "BPJS Ketenagakerjaan"
BRANCH_TITLE = "Kepala Kantor Cabang"


@dataclass(frozen=True)
class Signer:
    """Who signs a certificate or award. Every field may be empty: the PDF then leaves the space to sign and a
    dotted line for the name; `title` empty takes the default of the office (Kepala Kantor Cabang)."""

    name: str = ""
    title: str = ""
    number: str = ""  # NIP or NPK, printed as written (e.g. "NPK 19780512")
    place: str = ""  # where it is signed; empty: the branch office's city, else the Pemda's

    def cleaned(self) -> Signer:
        return Signer(*(" ".join(v.split())[:120] for v in (self.name, self.title, self.number, self.place)))


def _branch_of(employer: Employer, branch_code: str | None) -> BranchOffice | None:
    """The issuing officer's branch office, else the one whose territory holds the Pemda (or its province)."""
    if branch_code:
        office = BranchOffice.objects.filter(code=branch_code).first()
        if office is None:
            raise NotFound(f"Kantor cabang {branch_code} tidak ditemukan")
        return office
    return (
        BranchOffice.objects.filter(territory__code=employer.region_id).order_by("code").first()
        or BranchOffice.objects.filter(territory__parent_id=employer.region_id).order_by("code").first()
    )


def _city(name: str) -> str:
    """ "KC Palembang" -> "Palembang"; "Kota Palembang" -> "Palembang"; "Kabupaten Solok Selatan" -> "Solok Selatan"."""
    for prefix in ("KC ", "Kantor Cabang ", "Kabupaten ", "Kota ", "Provinsi "):
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def issuer_content(employer: Employer, branch_code: str | None, signer: Signer | None) -> dict[str, Any]:
    """What the document says about its issue: the office, the place, the branch code and the signer."""
    office = _branch_of(employer, branch_code)
    signer = (signer or Signer()).cleaned()
    if office is not None:
        city = _city(office.name)
        name = f"{BPJS_TK} Kantor Cabang {city}" if city != office.name else f"{BPJS_TK} {office.name}"
    else:
        city, name = _city(employer.region.name), BPJS_TK
    return {
        "office": name,
        "branch": office.code if office else "",
        "place": signer.place or city,
        "signer": {
            "title": signer.title or (BRANCH_TITLE if office else ""),
            "name": signer.name,
            "number": signer.number,
        },
    }


def last_signer(branch_code: str | None) -> Signer:
    """The signer of the branch's latest certificate or award, to fill the form again (empty: none yet)."""
    if not branch_code:
        return Signer()
    doc = (
        Document.objects.filter(
            kind__in=[Document.Kind.EMPLOYER, Document.Kind.AWARD], content__issuer__branch=branch_code
        )
        .order_by("-issued_at", "-pk")
        .first()
    )
    if doc is None:
        return Signer()
    found = doc.content["issuer"]["signer"]
    return Signer(found.get("name", ""), found.get("title", ""), found.get("number", ""))


def _numbers(employer: Employer, kind: str, year: int, count: int) -> list[str]:
    """The next `count` readable numbers of this kind for this Pemda and year (the caller holds the lock)."""
    prefix = f"{PREFIX[kind]}-{employer.region_id}-{year}-"
    used = Document.objects.filter(number__startswith=prefix).count()
    return [f"{prefix}{used + i:06d}" for i in range(1, count + 1)]


def _supersede(old: list[Document], new: Document) -> None:
    Document.objects.filter(pk__in=[d.pk for d in old]).update(status=Document.Status.SUPERSEDED, superseded_by=new)


def _lock(employer: Employer) -> None:
    Employer.objects.select_for_update().filter(pk=employer.pk).first()


def _basis(agreement: Agreement) -> dict[str, Any]:
    return {
        "kind": agreement.get_basis_display() if agreement.basis else "",
        "number": agreement.basis_number,
        "date": agreement.basis_date.isoformat() if agreement.basis_date else None,
    }


def issue_employer_certificate(
    employer_code: str,
    *,
    actor: str,
    on: dt.date | None = None,
    reason: str = "",
    branch: str | None = None,
    signer: Signer | None = None,
) -> Document:
    """The sertifikat kepesertaan of a Pemda on `on`: its NPP, programs, legal basis, effective date and the
    workers enrolled per unit, and who issued it (`branch`: the issuing officer's office; `signer`). It
    supersedes the Pemda's current certificate, which takes a `reason`."""
    on = on or timezone.localdate()
    employer = get_employer(employer_code)
    agreement = agreement_in_force(employer, Agreement.Segment.PPU, on)
    if agreement is None:
        raise NotFound(f"{employer.name} belum punya perjanjian (PKS) yang berlaku pada {on.isoformat()}")
    tree = coverage_tree(on, employer=employer.region_id)
    units = [{"code": c.code, "name": c.name, "enrolled": c.counts.enrolled} for c in tree.children]
    content = {
        "employer": employer.name,
        "code": employer.region_id,
        "npp": employer.npp or "",
        "programs": agreement.programs.split(","),
        "basis": _basis(agreement),
        "effective": agreement.effective_from.isoformat(),
        "units": [u for u in units if u["enrolled"]],
        "enrolled": tree.counts.enrolled,
        "on": on.isoformat(),
        "issuer": issuer_content(employer, branch, signer),
    }
    with transaction.atomic():
        _lock(employer)
        old = list(Document.objects.filter(employer=employer, kind=Document.Kind.EMPLOYER, status="current"))
        if old and not reason.strip():
            raise Conflict(
                f"Sertifikat {old[0].number} masih berlaku; "
                "sebutkan alasan penerbitan ulang (mis. jumlah peserta berubah)"
            )
        (number,) = _numbers(employer, Document.Kind.EMPLOYER, on.year, 1)
        doc = Document.objects.create(
            kind=Document.Kind.EMPLOYER,
            number=number,
            token_id=new_token_id(),
            employer=employer,
            content=content | {"number": number},
            issued_by=actor,
            reason=reason.strip() if old else "",
        )
        _supersede(old, doc)
    return doc


def issue_award(
    employer_code: str,
    *,
    actor: str,
    min_coverage: Decimal | None = None,
    every_unit: bool = False,
    on: dt.date | None = None,
    branch: str | None = None,
    signer: Signer | None = None,
) -> Document:
    """A piagam penghargaan for a Pemda that reached the issuer's threshold on `on`: a coverage of at least
    `min_coverage` percent and/or enrolled workers in every unit that has workers. It states the figures and
    who issued it (as the certificate); a Pemda short of the threshold gets a Conflict that says by how much."""
    if min_coverage is None and not every_unit:
        raise Conflict("Tentukan ambang: cakupan minimal (persen) dan/atau setiap unit kerja")
    on = on or timezone.localdate()
    employer = get_employer(employer_code)
    tree = coverage_tree(on, employer=employer.region_id)
    counts = tree.counts
    staffed = [c for c in tree.children if c.counts.workers]
    covered_units = [c for c in staffed if c.counts.enrolled]
    coverage = counts.coverage
    short = []
    if min_coverage is not None and (coverage is None or coverage < min_coverage):
        short.append(f"cakupan {coverage if coverage is not None else 0}% di bawah {min_coverage}%")
    if every_unit and len(covered_units) < len(staffed):
        short.append(f"{len(staffed) - len(covered_units)} unit kerja belum mendaftarkan pekerjanya")
    if short:
        raise Conflict(f"{employer.name} belum mencapai ambang piagam: " + "; ".join(short))
    content = {
        "employer": employer.name,
        "code": employer.region_id,
        "enrolled": counts.enrolled,
        "workers": counts.workers,
        "coverage": str(coverage),
        "units": len(staffed),
        "units_enrolled": len(covered_units),
        "threshold": {
            "min_coverage": str(min_coverage) if min_coverage is not None else None,
            "every_unit": every_unit,
        },
        "on": on.isoformat(),
        "issuer": issuer_content(employer, branch, signer),
    }
    with transaction.atomic():
        _lock(employer)
        (number,) = _numbers(employer, Document.Kind.AWARD, on.year, 1)
        return Document.objects.create(
            kind=Document.Kind.AWARD,
            number=number,
            token_id=new_token_id(),
            employer=employer,
            content=content | {"number": number},
            issued_by=actor,
        )


CARD_FIELDS = ("worker", "employer", "employment__unit", "agreement")  # what a card shows


def _card_content(m: Membership) -> dict[str, Any]:
    return {
        "name": m.worker.name,
        "nik": mask_nik(m.worker.nik),
        "kpj": m.kpj or "",
        "employer": m.employer.name,
        "unit": m.employment.unit.name,
        "programs": m.agreement.programs.split(","),
        "valid_from": m.valid_from.isoformat(),
    }


def _valid(employer: Employer, on: dt.date, unit: str | None = None) -> QuerySet[Membership]:
    """The memberships of the Pemda (or one unit) valid on `on` and not rejected: those that get a card."""
    rows = (
        Membership.objects.filter(employer=employer, valid_from__lte=on)
        .exclude(status=Membership.Status.REJECTED)
        .exclude(valid_to__lt=on)
    )
    return rows.filter(employment__unit__code=unit) if unit is not None else rows


def _memberships(employer: Employer, on: dt.date, unit: str | None) -> list[Membership]:
    """`_valid`, with what a card shows, in print order (unit, name)."""
    rows = _valid(employer, on, unit).select_related(*CARD_FIELDS)
    return list(rows.order_by("employment__unit__code", "worker__name", "pk"))


def count_cards(employer_code: str, *, unit: str | None = None, on: dt.date | None = None, cards: str = "all") -> int:
    """How many cards `issue_cards` would give for the Pemda (or one unit)."""
    rows = _valid(get_employer(employer_code), on or timezone.localdate(), unit)
    if cards == "new":
        current = Document.objects.filter(
            membership=OuterRef("pk"), kind=Document.Kind.CARD, status=Document.Status.CURRENT
        )
        rows = rows.exclude(Exists(current))
    return rows.count()


def _current_cards(employer: Employer) -> dict[int, Document]:
    found = Document.objects.filter(employer=employer, kind=Document.Kind.CARD, status=Document.Status.CURRENT)
    return {d.membership_id: d for d in found if d.membership_id is not None}


def issue_cards(
    employer_code: str,
    *,
    actor: str,
    unit: str | None = None,
    on: dt.date | None = None,
    cards: str = "all",
    reason: str = "",
) -> list[Document]:
    """The kartu peserta of every membership of the Pemda (or one unit) valid on `on` and not rejected, in
    print order (unit, name). `cards` says which:

    - `new`: a card for each member without a current card, and only those;
    - `all`: each member's current card, and a new card for those without one;
    - `reissue`: a new card for everyone, superseding the current ones (`reason` required, recorded).
    """
    if cards not in ("new", "all", "reissue"):
        raise Conflict(f"Pilihan kartu tidak dikenal: {cards}")
    if cards == "reissue" and not reason.strip():
        raise Conflict("Sebutkan alasan penerbitan ulang kartu")
    on = on or timezone.localdate()
    employer = get_employer(employer_code)
    rows = _memberships(employer, on, unit)
    if not rows:
        raise NotFound(f"Tidak ada peserta yang berlaku pada {on.isoformat()} untuk dibuatkan kartu")
    with transaction.atomic():
        _lock(employer)
        current = _current_cards(employer)
        if cards == "new":
            rows = [m for m in rows if m.pk not in current]
            if not rows:
                raise Conflict("Semua peserta sudah punya kartu yang berlaku")
        fresh = rows if cards == "reissue" else [m for m in rows if m.pk not in current]
        numbers = _numbers(employer, Document.Kind.CARD, on.year, len(fresh))
        Document.objects.bulk_create(
            [
                Document(
                    kind=Document.Kind.CARD,
                    number=number,
                    token_id=new_token_id(),
                    employer=employer,
                    membership=m,
                    content=_card_content(m) | {"number": number},
                    issued_by=actor,
                    reason=reason.strip() if m.pk in current else "",
                )
                for number, m in zip(numbers, fresh, strict=True)
            ],
            batch_size=2000,
        )
        issued: dict[int, Document] = {}
        if numbers:
            prefix = numbers[0][: -len("000001")]
            made = Document.objects.filter(number__startswith=prefix, number__gte=numbers[0], number__lte=numbers[-1])
            issued = {d.membership_id: d for d in made if d.membership_id is not None}
        stale = [current[m.pk] for m in fresh if m.pk in current]
        for old in stale:
            old.status = Document.Status.SUPERSEDED
            old.superseded_by = issued[old.membership_id]  # type: ignore[index]
        Document.objects.bulk_update(stale, ["status", "superseded_by"], batch_size=1000)
    return [issued.get(m.pk) or current[m.pk] for m in rows]


def reissue(number: str, *, actor: str, reason: str, branch: str | None = None) -> Document:
    """A new copy of a current certificate or card, superseding it; who and why are recorded. A certificate
    keeps its signer and, unless the re-issuing officer's `branch` is given, its issuing office."""
    if not reason.strip():
        raise Conflict("Sebutkan alasan penerbitan ulang")
    doc = Document.objects.select_related("employer").filter(number=number).first()
    if doc is None:
        raise NotFound(f"Dokumen {number} tidak ditemukan")
    if doc.status != Document.Status.CURRENT:
        gone = "dicabut" if doc.status == Document.Status.REVOKED else "diganti"
        raise Conflict(f"Dokumen {number} sudah tidak berlaku ({gone}); terbitkan yang baru")
    if doc.kind == Document.Kind.EMPLOYER:
        old = doc.content.get("issuer") or {}
        same = not branch or branch == old.get("branch")
        signed = (old.get("signer") or {}) if same else {}
        signer = Signer(
            signed.get("name", ""),
            signed.get("title", ""),
            signed.get("number", ""),
            old.get("place", "") if same else "",
        )
        return issue_employer_certificate(
            doc.employer.region_id,
            actor=actor,
            reason=reason,
            branch=branch or old.get("branch") or None,
            signer=signer,
        )
    if doc.kind != Document.Kind.CARD or doc.membership_id is None:
        raise Conflict("Piagam tidak diterbitkan ulang; cabut dan terbitkan piagam yang baru")
    today = timezone.localdate()
    m = _valid(doc.employer, today).select_related(*CARD_FIELDS).filter(pk=doc.membership_id).first()
    if m is None:
        raise Conflict(f"Kepesertaan pada kartu {number} sudah tidak berlaku; kartu tidak diterbitkan ulang")
    with transaction.atomic():
        _lock(doc.employer)
        old = Document.objects.select_for_update().get(pk=doc.pk)
        if old.status != Document.Status.CURRENT:
            raise Conflict(f"Dokumen {number} sudah tidak berlaku")
        (new_number,) = _numbers(doc.employer, Document.Kind.CARD, today.year, 1)
        card = Document.objects.create(
            kind=Document.Kind.CARD,
            number=new_number,
            token_id=new_token_id(),
            employer=doc.employer,
            membership=m,
            content=_card_content(m) | {"number": new_number},
            issued_by=actor,
            reason=reason.strip(),
        )
        _supersede([old], card)
    return card


def revoke(number: str, *, actor: str, reason: str) -> Document:
    if not reason.strip():
        raise Conflict("Sebutkan alasan pencabutan")
    with transaction.atomic():
        doc = Document.objects.select_for_update().filter(number=number).first()
        if doc is None:
            raise NotFound(f"Dokumen {number} tidak ditemukan")
        if doc.status == Document.Status.REVOKED:
            raise Conflict(f"Dokumen {number} sudah dicabut")
        doc.status = Document.Status.REVOKED
        doc.revoked_at = timezone.now()
        doc.revoked_by = actor
        doc.revoked_reason = reason.strip()
        doc.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason"])
    return doc


@dataclass(frozen=True)
class Verdict:
    """What the public page says: genuine and current, superseded, revoked, or not genuine at all."""

    state: str  # asli, diganti, dicabut, palsu
    document: Document | None = None
    replacement: str | None = None  # the number that superseded it
    replacement_reason: str | None = None  # why it was issued again

    def as_dict(self) -> dict[str, Any]:
        d = self.document
        return {
            "state": self.state,
            "genuine": d is not None,
            "current": self.state == "asli",
            "number": d.number if d else None,
            "kind": d.kind if d else None,
            "issued_at": d.issued_at.isoformat() if d else None,
            "content": d.content if d else None,
            "superseded_by": self.replacement,
            "superseded_reason": self.replacement_reason,
            "revoked_at": d.revoked_at.isoformat() if d and d.revoked_at else None,
            "revoked_reason": d.revoked_reason if d and d.revoked_at else None,
        }


def verify(token: str) -> Verdict:
    token_id = unsign(token.strip())
    if token_id is None:
        return Verdict("palsu")
    return _verdict(Document.objects.select_related("superseded_by").filter(token_id=token_id).first())


def verify_number(number: str) -> Verdict:
    """The same verdict from the number printed on the paper (for the command line, which holds the
    database anyway; the public page takes only the token, which cannot be guessed from a number)."""
    return _verdict(Document.objects.select_related("superseded_by").filter(number=number.strip()).first())


def _verdict(doc: Document | None) -> Verdict:
    if doc is None:
        return Verdict("palsu")
    if doc.status == Document.Status.REVOKED:
        return Verdict("dicabut", doc)
    if doc.status == Document.Status.SUPERSEDED:
        new = doc.superseded_by
        return Verdict("diganti", doc, new.number if new else None, new.reason if new else None)
    return Verdict("asli", doc)
