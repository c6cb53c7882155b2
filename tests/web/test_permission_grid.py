"""The permission grid: every page × every persona, with the answer each must get.

The pages come from the URL configuration, so a new page without a row here fails
`test_every_page_is_in_the_grid`, and a view that does not pass through `needs` (or is not listed as
public) fails `test_every_page_names_the_action_it_needs`. The API has its own grid generated from
/api/v1/openapi.json (tests/api/test_api_grid.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lindung.accounts.scope import Scope, scope_of
from lindung.billing.services import issue_invoice
from lindung.claims.models import Claim, ClaimEvent
from lindung.claims.services import report_claim
from lindung.documents import jobs as card_jobs
from lindung.documents.models import CardJob, Document
from lindung.documents.services import issue_employer_certificate
from lindung.documents.tokens import sign
from lindung.intake import jobs
from lindung.registry.models import ChangeSet
from tests.web.conftest import DINKES_NIKS, PERSONAS, World, read_and_close

# Personas in the order of PERSONAS: clerk (DINKES of 13.11), other_clerk (SATPOLPP of 13.11), admin (13.11),
# other_admin (13.02), branch (territory 13.11), monitor (province 13), anonymous.
# 200 page, 302 to the login page (anonymous) or a redirect after success, 403 role lacks the action,
# 404 the object is outside the scope, 405 the page only takes POST.
LOGIN = 302
EVERYTHING = Scope(user_id=None, role="super", employer_ids=None)
GRID: dict[str, tuple[int, int, int, int, int, int, int]] = {
    # name:             clerk oclerk admin oadmin branch monitor anon
    "home": (200, 200, 200, 200, 200, 200, LOGIN),
    "coverage_xlsx": (200, 200, 200, 200, 200, 200, LOGIN),
    "coverage_pdf": (200, 200, 200, 200, 200, 200, LOGIN),
    "targets": (403, 403, 200, 200, 200, 200, LOGIN),
    "target_set": (405, 405, 405, 405, 405, 405, 405),
    "compliance": (403, 403, 200, 200, 200, 200, LOGIN),
    "login": (200, 200, 200, 200, 200, 200, 200),
    "logout": (405, 405, 405, 405, 405, 405, 405),
    "roster": (200, 200, 200, 200, 200, 403, LOGIN),
    "roster_export": (200, 200, 200, 200, 200, 403, LOGIN),
    "worker": (200, 404, 200, 404, 200, 403, LOGIN),  # a worker of DINKES in 13.11
    "import_start": (200, 200, 200, 200, 403, 403, LOGIN),
    "import_template": (200, 200, 200, 200, 403, 403, LOGIN),
    "import_job": (200, 404, 200, 404, 403, 403, LOGIN),  # the DINKES clerk's job
    "import_status": (200, 404, 200, 404, 403, 403, LOGIN),
    "import_errors": (200, 404, 200, 404, 403, 403, LOGIN),
    "import_commit": (405, 405, 405, 405, 403, 403, LOGIN),
    "agreements": (403, 403, 200, 200, 200, 403, LOGIN),
    "agreement_add": (405, 405, 405, 405, 405, 405, 405),
    "enrol": (405, 405, 405, 405, 405, 405, 405),
    "invoices": (403, 403, 200, 200, 200, 403, LOGIN),
    "invoice_issue": (405, 405, 405, 405, 405, 405, 405),
    "invoice": (403, 403, 200, 404, 200, 403, LOGIN),  # an invoice of 13.11
    "invoice_xlsx": (403, 403, 200, 404, 200, 403, LOGIN),
    "invoice_upload": (403, 403, 200, 404, 403, 403, LOGIN),
    "payment_record": (405, 405, 405, 405, 405, 405, 405),
    "arrears": (403, 403, 200, 200, 200, 403, LOGIN),
    "budget": (403, 403, 200, 200, 403, 403, LOGIN),
    "budget_xlsx": (403, 403, 200, 200, 403, 403, LOGIN),
    "users": (403, 403, 200, 200, 403, 403, LOGIN),
    "user_active": (405, 405, 405, 405, 405, 405, 405),
    "user_unlock": (405, 405, 405, 405, 405, 405, 405),
    "worker_name": (405, 405, 405, 405, 405, 405, 405),
    "employment_correct": (405, 405, 405, 405, 405, 405, 405),
    "employment_end": (405, 405, 405, 405, 405, 405, 405),
    "tokens": (200, 200, 200, 200, 200, 200, LOGIN),
    "token_revoke": (405, 405, 405, 405, 405, 405, 405),
    "verification": (200, 200, 200, 200, 200, 200, 200),  # public: a genuine certificate's page
    "documents": (403, 403, 200, 200, 200, 403, LOGIN),
    "document_issue": (405, 405, 405, 405, 405, 405, 405),
    "document_pdf": (403, 403, 200, 404, 200, 403, LOGIN),  # the certificate of 13.11
    "document_revoke": (405, 405, 405, 405, 405, 405, 405),
    "document_reissue": (405, 405, 405, 405, 405, 405, 405),
    "card_job_start": (405, 405, 405, 405, 405, 405, 405),
    "card_job": (403, 403, 200, 404, 200, 403, LOGIN),  # the cards of 13.11, printed
    "card_job_status": (403, 403, 200, 404, 200, 403, LOGIN),
    "card_job_download": (403, 403, 200, 404, 200, 403, LOGIN),
    "card_job_resume": (405, 405, 405, 405, 405, 405, 405),
    "claims": (200, 200, 200, 200, 200, 403, LOGIN),
    "claim_new": (200, 200, 200, 200, 403, 403, LOGIN),
    "claim_status": (200, 200, 200, 200, 200, 200, 200),  # public: the heir's form
    "claim": (200, 404, 200, 404, 200, 403, LOGIN),  # a claim of a DINKES worker of 13.11
    "claim_move": (405, 405, 405, 405, 405, 405, 405),
    "claim_pay": (405, 405, 405, 405, 405, 405, 405),
    "claim_document": (405, 405, 405, 405, 405, 405, 405),
    "claim_outcome": (405, 405, 405, 405, 405, 405, 405),
    "reconciliation": (200, 200, 200, 200, 200, 200, LOGIN),  # a monitor sees the counts, no person
    "reconciliation_xlsx": (200, 200, 200, 200, 200, 403, LOGIN),
    "reconciliation_resolve": (405, 405, 405, 405, 405, 405, 405),
    "reconciliation_load": (405, 405, 405, 405, 405, 405, 405),
    "reconciliation_run": (405, 405, 405, 405, 405, 405, 405),
    "claim_heirs": (405, 405, 405, 405, 405, 405, 405),
}

# POST-only pages: who must be refused, and how. Personas allowed in scope are left out (they would write).
POST_REFUSED: dict[str, dict[str, int]] = {
    "target_set": {"clerk": 403, "other_clerk": 403, "branch": 403, "monitor": 403, "anonymous": LOGIN},
    "import_commit": {"other_clerk": 404, "other_admin": 404, "branch": 403, "monitor": 403, "anonymous": LOGIN},
    "agreement_add": {"clerk": 403, "other_clerk": 403, "branch": 403, "monitor": 403, "anonymous": LOGIN},
    "enrol": {"clerk": 403, "other_clerk": 403, "branch": 403, "monitor": 403, "anonymous": LOGIN},
    "invoice_issue": {"clerk": 403, "other_clerk": 403, "branch": 403, "monitor": 403, "anonymous": LOGIN},
    "payment_record": {"clerk": 403, "other_clerk": 403, "other_admin": 404, "monitor": 403, "anonymous": LOGIN},
    **{
        name: {"other_clerk": 404, "other_admin": 404, "branch": 403, "monitor": 403, "anonymous": LOGIN}
        for name in ("worker_name", "employment_correct", "employment_end")
    },
    **{
        name: {"clerk": 403, "other_clerk": 403, "other_admin": 404, "branch": 403, "monitor": 403, "anonymous": LOGIN}
        for name in ("user_active", "user_unlock")
    },
    "token_revoke": {"clerk": 404, "other_admin": 404, "monitor": 404, "anonymous": LOGIN},
    "document_issue": {"clerk": 403, "admin": 403, "other_admin": 403, "monitor": 403, "anonymous": LOGIN},
    "document_revoke": {"clerk": 403, "admin": 403, "other_admin": 403, "monitor": 403, "anonymous": LOGIN},
    "document_reissue": {"clerk": 403, "admin": 403, "other_admin": 403, "monitor": 403, "anonymous": LOGIN},
    "card_job_start": {"clerk": 403, "admin": 403, "other_admin": 403, "monitor": 403, "anonymous": LOGIN},
    "card_job_resume": {"clerk": 403, "admin": 403, "other_admin": 403, "monitor": 403, "anonymous": LOGIN},
    "claim_move": {"other_clerk": 404, "other_admin": 404, "monitor": 403, "anonymous": LOGIN},
    "claim_pay": {"other_clerk": 404, "other_admin": 404, "monitor": 403, "anonymous": LOGIN},
    "claim_document": {"other_clerk": 404, "other_admin": 404, "branch": 403, "monitor": 403, "anonymous": LOGIN},
    "claim_outcome": {"other_clerk": 404, "other_admin": 404, "branch": 403, "monitor": 403, "anonymous": LOGIN},
    "claim_heirs": {"other_clerk": 404, "other_admin": 404, "branch": 403, "monitor": 403, "anonymous": LOGIN},
    "reconciliation_load": {"clerk": 403, "other_clerk": 403, "monitor": 403, "anonymous": LOGIN},
    "reconciliation_run": {"clerk": 403, "other_clerk": 403, "monitor": 403, "anonymous": LOGIN},
}

PUBLIC = {"login", "logout", "verification", "claim_status"}  # pages anyone may open


def _patterns(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), p


def web_pages() -> dict[str, URLPattern]:
    """Every named page of the web application (not Django's admin, the language switch or the API)."""
    resolver = get_resolver()
    skip = ("admin/", "i18n/", "api/")
    return {p.name: p for route, p in _patterns(resolver.url_patterns) if not route.startswith(skip) and p.name}


def test_every_page_is_in_the_grid() -> None:
    assert sorted(web_pages()) == sorted(GRID)


def test_every_page_names_the_action_it_needs() -> None:
    unguarded = [n for n, p in web_pages().items() if n not in PUBLIC and not hasattr(p.callback, "lindung_action")]
    assert unguarded == []


@pytest.fixture
def samples(world: World, personas: dict[str, Client], tmp_path: Any) -> dict[str, dict[str, Any]]:
    """The URL arguments of the pages that name an object: each object belongs to 13.11 (DINKES)."""
    invoice = issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice
    csv = "NIK;Nama Lengkap;Kode Unit;Kategori;Gaji;TMT\n1311011203850009;Rusak;DINKES;THL;abc;02/01/2024\n"
    job = jobs.start_job(scope_of(world.users["clerk"]), [csv.encode()], "r.csv", len(csv), None, None)
    jobs.run_job(str(job.id), "dry", "clerk")
    assert jobs.errors_path(job).is_file()
    token = world.users["branch"].api_tokens.create(name="t", prefix="x", digest="0" * 64)
    worker = world.worker(DINKES_NIKS[0])
    certificate = issue_employer_certificate("13.11", actor="test", on=dt.date(2026, 11, 2))
    cards = card_jobs.run_job(str(card_jobs.create_job("13.11", actor="test", on=dt.date(2026, 11, 2)).pk))
    assert cards.status == CardJob.Status.DONE
    claim = report_claim(
        EVERYTHING, nik=DINKES_NIKS[0], kind="jkk_accident", event_at=timezone.make_aware(dt.datetime(2024, 6, 10, 9)),
        place="Puskesmas", description="Tergelincir", actor="test",
    )  # fmt: skip
    numbered = {"number": claim.number}
    return {
        **{
            name: numbered
            for name in ("claim", "claim_move", "claim_pay", "claim_document", "claim_outcome", "claim_heirs")
        },
        "reconciliation_resolve": {"key": "temuan"},
        "document_reissue": {"pk": certificate.pk},
        "card_job": {"job_id": cards.pk},
        "card_job_status": {"job_id": cards.pk},
        "card_job_download": {"job_id": cards.pk},
        "card_job_resume": {"job_id": cards.pk},
        "verification": {"token": sign(certificate.token_id)},
        "document_pdf": {"pk": certificate.pk},
        "document_revoke": {"pk": certificate.pk},
        "worker": {"pk": worker.pk},
        "worker_name": {"pk": worker.pk},
        **{
            name: {"pk": worker.pk, "employment_id": worker.employments.get().pk}
            for name in ("employment_correct", "employment_end")
        },
        "import_job": {"job_id": job.id},
        "import_status": {"job_id": job.id},
        "import_errors": {"job_id": job.id},
        "import_commit": {"job_id": job.id},
        "invoice": {"pk": invoice.pk},
        "invoice_xlsx": {"pk": invoice.pk},
        "invoice_upload": {"pk": invoice.pk},
        "payment_record": {"pk": invoice.pk},
        "user_active": {"user_id": world.users["clerk"].pk},
        "user_unlock": {"user_id": world.users["clerk"].pk},
        "token_revoke": {"token_id": token.pk},
    }


def test_every_persona_gets_the_expected_answer_on_every_page(
    personas: dict[str, Client], samples: dict[str, dict[str, Any]]
) -> None:
    wrong = []
    for name, expected in GRID.items():
        url = reverse(name, kwargs=samples.get(name))
        for persona, status in zip(PERSONAS, expected, strict=True):
            answer = personas[persona].get(url)
            read_and_close(answer)  # a download streams its file
            got = answer.status_code
            if got != status:
                wrong.append(f"{name} {persona}: {got}, expected {status}")
    assert wrong == [], "\n".join(wrong)


def test_anonymous_visitors_are_sent_to_the_login_page_with_the_way_back(personas: dict[str, Client]) -> None:
    answer = personas["anonymous"].get(reverse("roster"))
    assert answer["Location"] == f"{reverse('login')}?next={reverse('roster')}"


def test_refused_posts_change_nothing_and_get_the_expected_answer(
    personas: dict[str, Client], samples: dict[str, dict[str, Any]], world: World
) -> None:
    from lindung.billing.models import Payment

    wrong = []
    for name, refused in POST_REFUSED.items():
        url = reverse(name, kwargs=samples.get(name))
        for persona, status in refused.items():
            data = {"billing_code": "X1", "amount": "1000", "paid_on": "2024-07-10", "active": "0", "year": "2026",
                    "employer": "13.11", "kind": "employer", "reason": "uji", "cards": "reissue"}  # fmt: skip
            got = personas[persona].post(url, data).status_code
            if got != status:
                wrong.append(f"POST {name} {persona}: {got}, expected {status}")
    assert wrong == [], "\n".join(wrong)
    assert not Payment.objects.exists()
    assert Document.objects.get(kind="employer").status == Document.Status.CURRENT  # the sample, untouched
    assert not Document.objects.exclude(status=Document.Status.CURRENT).exists()  # no card re-issued
    assert CardJob.objects.count() == 1
    assert world.users["clerk"].is_active
    assert not ChangeSet.objects.filter(source__in=["worker correct name", "employment correct", "employment end"])
    assert Claim.objects.get().state == "reported"  # the sample claim, not moved, paid or given files
    assert list(ClaimEvent.objects.values_list("action", flat=True)) == ["report"]


def test_an_out_of_scope_request_is_logged(personas: dict[str, Client], world: World, caplog: Any) -> None:
    worker = world.worker(DINKES_NIKS[0])
    with caplog.at_level("WARNING", logger="lindung.access"):
        assert personas["other_clerk"].get(reverse("worker", args=[worker.pk])).status_code == 404
    assert any("out of scope" in r.getMessage() and "other_clerk" not in r.getMessage() for r in caplog.records)
    assert all(worker.nik not in r.getMessage() for r in caplog.records)
