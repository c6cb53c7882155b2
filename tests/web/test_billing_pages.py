"""Agreements, enrolment, invoices, payments, arrears and budget pages, for each persona."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.billing.budget import project_budget
from lindung.billing.models import Invoice, Payment
from lindung.billing.services import issue_invoice
from lindung.domain.formats import mask_nik, rupiah
from lindung.enrolment.models import Agreement, Membership
from lindung.intake.services import import_roster
from lindung.web.forms import parse_rupiah
from tests.integration.factories import row, write_csv
from tests.web.conftest import DINKES_NIKS, SATPOL_NIK, TODAY, World

ALL_NIKS = [*DINKES_NIKS, SATPOL_NIK]


def june(world: World) -> Invoice:
    return issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice


def workbook_values(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [str(v) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) for v in r if v is not None]


def body(response: Any) -> str:
    return str(response.content.decode())


def figure(html: str, name: str) -> int:
    found = re.search(rf'data-figure="{name}">(?:Rp)?([\d.]+)<', html)
    assert found is not None, name
    return int(found.group(1).replace(".", ""))


# --- invoices ----------------------------------------------------------------------------------


def test_an_admin_issues_the_june_invoice_through_the_page_and_sees_it(personas: dict[str, Client]) -> None:
    admin = personas["admin"]
    response = admin.post(reverse("invoice_issue"), {"employer": "13.11", "period": "2024-06", "unit": ""})
    invoice = Invoice.objects.get(employer__region_id="13.11", period=dt.date(2024, 6, 1))
    assert response.status_code == 302
    assert response["Location"] == reverse("invoice", args=[invoice.pk])
    page = body(admin.get(response["Location"]))
    assert invoice.number in page
    assert rupiah(invoice.total) in page
    # By hand: three workers at Rp2,500,000 (JKK class 1 + JKM): 0.24% = 6,000 and 0.30% = 7,500, so
    # 13,500 each and 3 x 13,500 = 40,500.
    assert (invoice.workers, invoice.employer_amount, invoice.worker_amount, invoice.total) == (3, 40_500, 0, 40_500)
    assert "Rp40.500" in page
    assert all(mask_nik(nik) in page and nik not in page for nik in ALL_NIKS)
    assert invoice.number in body(admin.get(reverse("invoices")))


def test_issuing_for_a_month_without_members_shows_the_reason_beside_the_form(personas: dict[str, Client]) -> None:
    response = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": "2023-06"})
    assert response.status_code in (400, 404)
    assert 'class="problem"' in body(response)
    assert not Invoice.objects.exists()


def test_a_bad_month_in_the_issue_form_is_shown_inline(personas: dict[str, Client]) -> None:
    response = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": "Juni"})
    assert response.status_code == 400
    assert 'id="i-period-error"' in body(response)
    assert not Invoice.objects.exists()


def test_another_pemdas_admin_gets_404_on_the_invoice_and_its_files(world: World, personas: dict[str, Client]) -> None:
    invoice = june(world)
    other = personas["other_admin"]
    for name in ("invoice", "invoice_xlsx", "invoice_upload"):
        assert other.get(reverse(name, args=[invoice.pk])).status_code == 404
    paying = {"billing_code": "X1", "paid_on": "2024-07-10", "amount": "1.000"}
    assert other.post(reverse("payment_record", args=[invoice.pk]), paying).status_code == 404
    assert invoice.number not in body(other.get(reverse("invoices")))
    assert not Payment.objects.exists()


def test_an_admin_cannot_issue_for_another_pemda(world: World, personas: dict[str, Client]) -> None:
    response = personas["other_admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": "2024-06"})
    assert response.status_code == 404
    assert not Invoice.objects.exists()


def test_a_branch_officer_sees_the_invoice_and_records_a_payment_but_cannot_issue(
    world: World, personas: dict[str, Client]
) -> None:
    invoice = june(world)
    branch = personas["branch"]
    page = body(branch.get(reverse("invoice", args=[invoice.pk])))
    assert invoice.number in page
    assert reverse("invoice_upload", args=[invoice.pk]) not in page
    paying = {"billing_code": "KB-0001", "paid_on": "2024-07-10", "amount": "Rp 1.234.567"}
    response = branch.post(reverse("payment_record", args=[invoice.pk]), paying)
    assert response.status_code == 302
    assert Payment.objects.get().amount == 1_234_567
    assert "Rp1.234.567" in body(branch.get(reverse("invoice", args=[invoice.pk])))
    issued = branch.post(reverse("invoice_issue"), {"employer": "13.11", "period": "2024-07"})
    assert issued.status_code == 403
    assert Invoice.objects.count() == 1


def test_a_payment_with_a_used_billing_code_shows_the_conflict_and_is_recorded_once(
    world: World, personas: dict[str, Client]
) -> None:
    invoice = june(world)
    admin = personas["admin"]
    url = reverse("payment_record", args=[invoice.pk])
    first = {"billing_code": "KB-77", "paid_on": "2024-07-10", "amount": "100.000"}
    assert admin.post(url, first).status_code == 302
    again = admin.post(url, first, follow=True)
    assert "tidak dicatat dua kali" in body(again)
    conflict = admin.post(url, first | {"amount": "200.000"})
    assert conflict.status_code == 409
    assert "KB-77 sudah tercatat" in body(conflict)
    assert Payment.objects.count() == 1
    assert Payment.objects.get().amount == 100_000


def test_an_unreadable_amount_is_shown_beside_its_field(world: World, personas: dict[str, Client]) -> None:
    invoice = june(world)
    paying = {"billing_code": "KB-1", "paid_on": "2024-07-10", "amount": "satu juta"}
    response = personas["admin"].post(reverse("payment_record", args=[invoice.pk]), paying)
    assert response.status_code == 400
    assert 'id="p-amount-error"' in body(response)
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234.567", 1_234_567),
        ("1234567", 1_234_567),
        ("Rp 2.500.000,00", 2_500_000),
        ("Rp16.800,-", 16_800),
        ("1 234 567", 1_234_567),
        ("1,234,567", 1_234_567),  # as a roster import reads it (domain.parsing)
    ],
)
def test_rupiah_is_read_as_indonesians_write_it(text: str, amount: int) -> None:
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize("text", ["", "12.34", "1.234,5", "-5", "satu", "1.00.000"])
def test_amounts_that_are_not_whole_rupiah_are_refused(text: str) -> None:
    assert parse_rupiah(text) is None


def test_the_sipp_upload_file_is_forbidden_to_the_branch_and_carries_full_niks_for_the_admin(
    world: World, personas: dict[str, Client]
) -> None:
    invoice = june(world)
    url = reverse("invoice_upload", args=[invoice.pk])
    assert personas["branch"].get(url).status_code == 403
    response = personas["admin"].get(url)
    assert response.status_code == 200
    values = workbook_values(response.content)
    assert set(ALL_NIKS) <= set(values)
    from lindung.accounts.models import AccessLog

    logged = AccessLog.objects.filter(user=world.users["admin"], channel="export")
    assert sorted(a.worker.nik for a in logged) == sorted(ALL_NIKS)  # every worker in the file, once


def test_the_invoice_workbook_shows_only_masked_niks(world: World, personas: dict[str, Client]) -> None:
    invoice = june(world)
    response = personas["branch"].get(reverse("invoice_xlsx", args=[invoice.pk]))
    assert response.status_code == 200
    text = "\n".join(workbook_values(response.content))
    assert all(mask_nik(nik) in text and nik not in text for nik in ALL_NIKS)


def test_the_invoice_list_filters_by_month_and_employer(world: World, personas: dict[str, Client]) -> None:
    invoice = june(world)
    admin = personas["admin"]
    assert invoice.number in body(admin.get(reverse("invoices"), {"period": "2024-06", "employer": "13.11"}))
    assert invoice.number not in body(admin.get(reverse("invoices"), {"period": "2024-07"}))
    partial = admin.get(reverse("invoices"), {"period": "2024-06"}, HTTP_HX_REQUEST="true")
    assert invoice.number in body(partial)
    assert "<html" not in body(partial)


def test_the_invoice_list_costs_the_same_queries_for_one_and_eight_invoices(
    world: World, personas: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    admin = personas["admin"]
    june(world)
    with CaptureQueriesContext(connection) as one:
        assert admin.get(reverse("invoices")).status_code == 200
    baseline = len(one)  # read now: the next request resets the connection's query log
    for month in range(7, 14):
        period = dt.date(2024 + month // 13, (month - 1) % 12 + 1, 1)
        issue_invoice("13.11", period, actor="test")
    invoice = Invoice.objects.order_by("pk").first()
    assert invoice is not None
    Payment.objects.create(invoice=invoice, paid_on=dt.date(2024, 7, 1), amount=5, recorded_in=invoice.issued_in)
    assert Invoice.objects.count() == 8
    with django_assert_max_num_queries(baseline):
        page = body(admin.get(reverse("invoices")))
    assert page.count("TAG-13.11-") == 8


def test_the_invoice_page_costs_the_same_queries_for_one_and_many_lines(
    world: World, personas: dict[str, Client], tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    admin = personas["admin"]
    small = june(world)
    with CaptureQueriesContext(connection) as one:
        assert admin.get(reverse("invoice", args=[small.pk])).status_code == 200
    baseline = len(one)  # read now: the next request resets the connection's query log
    niks = [f"13110101079{i:01d}000{i + 6}" for i in range(3)]
    rows = [row(nik, f"Pekerja {i}", unit="NGR-PT") for i, nik in enumerate(niks)]
    import_roster(write_csv(tmp_path / "more.csv", rows), "13.11", mode="commit", actor="test", today=TODAY)
    personas["admin"].post(reverse("enrol"), {"employer": "13.11", "on": "2024-07-01"})
    big = issue_invoice("13.11", dt.date(2024, 7, 1), actor="test").invoice
    assert big.workers > small.workers
    with django_assert_max_num_queries(baseline):
        page = body(admin.get(reverse("invoice", args=[big.pk])))
    assert page.count("1311********") == big.workers


# --- arrears -----------------------------------------------------------------------------------


def test_the_arrears_page_lists_the_unpaid_invoice_with_its_age(world: World, personas: dict[str, Client]) -> None:
    invoice = june(world)
    on = invoice.due_date + dt.timedelta(days=10)
    page = body(personas["branch"].get(reverse("arrears"), {"on": on.isoformat()}))
    assert invoice.number in page
    assert "1-30 hari" in page
    assert rupiah(invoice.total) in page
    later = body(
        personas["admin"].get(reverse("arrears"), {"on": (invoice.due_date + dt.timedelta(days=100)).isoformat()})
    )
    assert "lebih dari 90 hari" in later
    assert invoice.number not in body(personas["other_admin"].get(reverse("arrears"), {"on": on.isoformat()}))


def test_a_paid_invoice_leaves_the_arrears(world: World, personas: dict[str, Client]) -> None:
    invoice = june(world)
    paying = {"billing_code": "LUNAS", "paid_on": "2024-07-01", "amount": str(invoice.total)}
    personas["admin"].post(reverse("payment_record", args=[invoice.pk]), paying)
    page = body(personas["admin"].get(reverse("arrears"), {"on": "2024-12-01"}))
    assert invoice.number not in page


# --- budget ------------------------------------------------------------------------------------


def test_the_budget_page_shows_the_budget_services_total(world: World, personas: dict[str, Client]) -> None:
    query = {"employer": "13.11", "year": "2027", "increase": "5"}
    response = personas["admin"].get(reverse("budget"), query)
    expected = project_budget("13.11", 2027, Decimal(5))
    assert expected.total > 0
    assert figure(body(response), "total") == expected.total
    # By hand: three PPU workers at Rp2,500,000 raised 5% = 2,625,000; JKK class 1 0.24% = 6,300 and JKM
    # 0.30% = 7,875, so 14,175 a worker a month; 14,175 x 3 workers x 12 months = 510,300.
    assert figure(body(response), "total") == 510_300
    download = personas["admin"].get(reverse("budget_xlsx"), query)
    assert download.status_code == 200
    assert workbook_values(download.content)


def test_a_bad_increase_is_shown_beside_its_field(world: World, personas: dict[str, Client]) -> None:
    response = personas["admin"].get(reverse("budget"), {"employer": "13.11", "year": "2027", "increase": "lima"})
    assert response.status_code == 400
    assert 'id="b-increase-error"' in body(response)


def test_the_budget_of_another_pemda_is_not_found(world: World, personas: dict[str, Client]) -> None:
    response = personas["other_admin"].get(reverse("budget"), {"employer": "13.11", "year": "2027"})
    assert response.status_code == 404


# --- agreements and enrolment ------------------------------------------------------------------


def test_the_agreements_page_lists_the_agreement_with_its_funder(world: World, personas: dict[str, Client]) -> None:
    page = body(personas["branch"].get(reverse("agreements")))
    assert "JKK,JKM" in page
    assert "(100%)" in page
    assert reverse("agreement_add") not in page
    assert "JKK,JKM" not in body(personas["other_admin"].get(reverse("agreements")))


def test_an_agreement_without_programs_shows_an_inline_error_and_adds_nothing(
    world: World, personas: dict[str, Client]
) -> None:
    form = {"employer": "13.11", "segment": "ppu", "risk_class": "2", "effective_from": "2025-01-01"}
    response = personas["admin"].post(reverse("agreement_add"), form)
    assert response.status_code == 400
    assert 'id="f-programs-error"' in body(response)
    assert Agreement.objects.count() == 1


def test_an_admin_adds_an_agreement_through_the_form(world: World, personas: dict[str, Client]) -> None:
    form = {
        "employer": "13.11",
        "segment": "ppu",
        "programs": ["JKK", "JKM", "JHT"],
        "risk_class": "2",
        "effective_from": "2025-01-01",
        "basis": "perkada",
        "basis_number": "12/2024",
        "basis_date": "2024-12-01",
        "worker_share_payer": "employer",
    }
    assert personas["admin"].post(reverse("agreement_add"), form).status_code == 302
    added = Agreement.objects.get(effective_from=dt.date(2025, 1, 1))
    assert (added.programs, added.risk_class, added.basis_number) == ("JKK,JKM,JHT", 2, "12/2024")
    changed = personas["admin"].post(reverse("agreement_add"), form | {"risk_class": "3"})
    assert changed.status_code == 409
    assert Agreement.objects.count() == 2


def test_a_branch_officer_cannot_add_agreements_or_enrol(world: World, personas: dict[str, Client]) -> None:
    form = {"employer": "13.11", "programs": ["JKK"], "risk_class": "1", "effective_from": "2025-01-01"}
    assert personas["branch"].post(reverse("agreement_add"), form).status_code == 403
    assert personas["branch"].post(reverse("enrol"), {"employer": "13.11"}).status_code == 403
    assert Agreement.objects.count() == 1


def test_enrolling_twice_through_the_page_enrols_nobody_the_second_time(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    rows = [row("1311010407920005", "Rudi Hartono", unit="NGR-PT")]
    import_roster(write_csv(tmp_path / "new.csv", rows), "13.11", mode="commit", actor="test", today=TODAY)
    before = Membership.objects.count()
    admin = personas["admin"]
    first = admin.post(reverse("enrol"), {"employer": "13.11", "on": "2024-07-01"}, HTTP_HX_REQUEST="true")
    assert "<html" not in body(first)
    assert figure(body(first), "enrolled") == 1
    assert figure(body(first), "already") == 3
    second = admin.post(reverse("enrol"), {"employer": "13.11", "on": "2024-07-01"})
    assert figure(body(second), "enrolled") == 0
    assert Membership.objects.count() == before + 1


def test_enrolling_before_any_agreement_shows_the_reason(world: World, personas: dict[str, Client]) -> None:
    response = personas["admin"].post(reverse("enrol"), {"employer": "13.11", "on": "2023-01-01"})
    assert response.status_code == 400
    assert "belum punya perjanjian" in body(response)


# --- who may open what -------------------------------------------------------------------------

PAGES = ["agreements", "invoices", "arrears", "budget"]


@pytest.mark.parametrize("persona", ["clerk", "other_clerk", "monitor"])
def test_clerks_and_monitors_are_refused_every_billing_page(
    world: World, personas: dict[str, Client], persona: str
) -> None:
    invoice = june(world)
    client = personas[persona]
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    for name in ("invoice", "invoice_xlsx", "invoice_upload"):
        assert client.get(reverse(name, args=[invoice.pk])).status_code == 403, name
    paying = {"billing_code": "X", "paid_on": "2024-07-10", "amount": "1"}
    assert client.post(reverse("payment_record", args=[invoice.pk]), paying).status_code == 403
    assert not Payment.objects.exists()


@pytest.mark.parametrize(("persona", "expected"), [("admin", 200), ("branch", 403), ("anonymous", 302)])
def test_the_budget_page_is_for_the_pemda_admin(personas: dict[str, Client], persona: str, expected: int) -> None:
    assert personas[persona].get(reverse("budget")).status_code == expected


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_the_login(personas: dict[str, Client], name: str) -> None:
    response = personas["anonymous"].get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
