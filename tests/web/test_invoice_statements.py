"""The invoices list, the invoice page, the API and `lindung invoice show` give the same balance and state:
each is billing.services.statements' on today, which leaves out a payment dated after the cut-off."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.billing.models import Invoice, Payment
from lindung.billing.services import issue_invoice, record_payment, statements
from lindung.domain.formats import rupiah
from tests.web.conftest import World

STATE_WORDS = {"paid": "lunas", "overdue": "lewat jatuh tempo", "partial": "dibayar sebagian", "open": "belum dibayar"}


def list_row(html: str, number: str) -> list[str]:
    """The cells of the invoices list's row for `number`, tags stripped."""
    found = re.search(rf"<tr>\s*<td><a [^>]*>{re.escape(number)}</a></td>(.*?)</tr>", html, re.S)
    assert found is not None, number
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def test_the_list_the_api_and_the_cli_agree_with_statements_when_a_payment_is_dated_after_today(
    world: World, personas: dict[str, Client], capsys: pytest.CaptureFixture[str]
) -> None:
    today = timezone.localdate()
    june = issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice
    july = issue_invoice("13.11", dt.date(2024, 7, 1), actor="test").invoice
    record_payment(june.number, amount=10_000, paid_on=dt.date(2024, 7, 3), billing_code="B-1", actor="test")
    # The rest of June, and all of July, arrive dated tomorrow (a bank file read a day ahead): not yet paid today.
    for invoice, amount, code in ((june, june.total - 10_000, "B-2"), (july, july.total, "B-3")):
        Payment.objects.create(
            invoice=invoice,
            paid_on=today + dt.timedelta(days=1),
            amount=amount,
            billing_code=code,
            recorded_in=invoice.issued_in,
        )
    invoices = list(Invoice.objects.select_related("agreement", "employer").order_by("period"))
    expected = {s.invoice.number: s for s in statements(invoices, today)}
    assert (expected[june.number].paid, expected[july.number].paid) == (10_000, 0)
    assert {s.state for s in expected.values()} == {"overdue"}

    admin = personas["admin"]
    page = admin.get(reverse("invoices")).content.decode()
    for number, s in expected.items():
        # Nomor | Pemberi kerja, Bulan, Bagian, Peserta, Jumlah, Dibayar, Sisa, Jatuh tempo, Status
        cells = list_row(page, number)
        assert cells[4:7] == [rupiah(s.owed), rupiah(s.paid), rupiah(s.balance)], number
        assert cells[8] == STATE_WORDS[s.state], number

        detail = admin.get(reverse("invoice", args=[s.invoice.pk])).content.decode()
        assert rupiah(s.balance) in detail and STATE_WORDS[s.state] in detail

        api = admin.get(f"/api/v1/invoices/{number}").json()["statement"]
        assert (api["paid"], api["balance"]) == (s.paid, s.balance)

        call_command("invoice", "show", number, "--format", "json")
        shown = json.loads(capsys.readouterr().out)
        assert (shown["paid"], shown["balance"]) == (s.paid, s.balance)
