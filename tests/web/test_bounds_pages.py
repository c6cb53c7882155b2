"""Every amount, count, year and date a person types has sane bounds and a sentence as the answer, never a 500:
a payment of 23 nines, a payment dated tomorrow, an invoice for Januari 2030, a target of "1.000.000"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.billing.models import Invoice, Payment
from lindung.billing.services import INVOICE_AHEAD_MONTHS, issue_invoice
from lindung.coverage.models import Target
from lindung.domain.periods import add_months, month_start
from tests.web.conftest import World
from tests.web.test_billing_pages import body


def _invoice(world: World) -> Invoice:
    return issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice


def _pay(client: Client, invoice: Invoice, **fields: str) -> Any:
    data = {"billing_code": "KB-1", "paid_on": "2024-07-10", "amount": "1.000.000"} | fields
    return client.post(reverse("payment_record", args=[invoice.pk]), data)


def test_a_payment_of_twenty_three_nines_is_a_sentence_not_a_500(world: World, personas: dict[str, Client]) -> None:
    invoice = _invoice(world)
    answer = _pay(personas["admin"], invoice, amount="99999999999999999999999")
    assert answer.status_code == 400
    assert "lebih dari Rp1.000.000.000.000, batas satu pembayaran" in body(answer)
    assert not Payment.objects.exists()


def test_a_payment_dated_after_today_is_refused_with_the_reason(world: World, personas: dict[str, Client]) -> None:
    invoice = _invoice(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for written in (tomorrow.isoformat(), tomorrow.strftime("%d/%m/%Y"), "9999-12-31"):
        answer = _pay(personas["admin"], invoice, paid_on=written)
        assert answer.status_code == 400, written
        assert "belum terjadi" in body(answer), written
    assert not Payment.objects.exists()
    # today, written the Indonesian way, is a day that has happened
    assert _pay(personas["admin"], invoice, paid_on=timezone.localdate().strftime("%d/%m/%Y")).status_code == 302
    assert Payment.objects.get().paid_on == timezone.localdate()


def test_an_unreadable_date_says_how_to_write_one(world: World, personas: dict[str, Client]) -> None:
    answer = _pay(personas["admin"], _invoice(world), paid_on="kemarin")
    assert answer.status_code == 400 and "tulis seperti 17/06/2026" in body(answer)


def test_an_invoice_far_ahead_is_refused_and_one_within_the_window_is_not_refused_for_its_month(
    world: World, personas: dict[str, Client]
) -> None:
    answer = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": "2030-01"})
    assert answer.status_code == 400
    assert "Tagihan Januari 2030 terlalu jauh ke depan" in body(answer)
    assert not Invoice.objects.filter(period=dt.date(2030, 1, 1)).exists()
    last = month_start(add_months(timezone.localdate(), INVOICE_AHEAD_MONTHS))
    ok = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": f"{last:%Y-%m}"})
    assert "terlalu jauh ke depan" not in body(ok)


def test_a_budget_for_year_ninety_nine_thousand_or_a_rise_of_a_million_percent_is_a_sentence(
    world: World, personas: dict[str, Client]
) -> None:
    for params, said in [
        ({"employer": "13.11", "year": "99999", "increase": "0"}, "antara 2000 dan 2100"),
        ({"employer": "13.11", "year": "2027", "increase": "1000000"}, "antara -100 dan 100 persen"),
        ({"employer": "13.11", "year": "2027", "increase": "Infinity"}, "antara -100 dan 100 persen"),
    ]:
        answer = personas["admin"].get(reverse("budget"), params)
        assert answer.status_code in (200, 400), params
        assert said in body(answer), params


def test_a_target_written_with_thousands_dots_is_read(world: World, personas: dict[str, Client]) -> None:
    year = timezone.localdate().year
    answer = personas["admin"].post(reverse("target_set"), {"year": str(year), "count": "1.200", "note": ""})
    assert answer.status_code in (200, 302)
    assert Target.objects.get(year=year).count == 1200
    refused = personas["admin"].post(reverse("target_set"), {"year": str(year), "count": "seribu", "note": ""})
    assert refused.status_code == 400 and "bilangan bulat" in body(refused)
