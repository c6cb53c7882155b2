"""Every amount, count, year and date a person types has sane bounds and a sentence as the answer, never a 500:
a payment of 23 nines, a payment dated tomorrow, an invoice for Januari 2030, a target of "1.000.000"; the same
through the API (400 JSON)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.billing.models import Invoice, Payment
from lindung.billing.services import INVOICE_AHEAD_MONTHS, issue_invoice
from lindung.coverage.models import Target
from lindung.domain.periods import add_months, month_start
from lindung.enrolment.models import Agreement
from tests.web.conftest import World
from tests.web.test_billing_pages import body

API = "/api/v1"
THOUSANDS_OF_NINES = "9" * 5000  # past Python's 4,300 digits for int(): a ValueError unless refused first


def _invoice(world: World) -> Invoice:
    return issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice


def _pay(client: Client, invoice: Invoice, **fields: str) -> Any:
    data = {"billing_code": "KB-1", "paid_on": "2024-07-10", "amount": "1.000.000"} | fields
    return client.post(reverse("payment_record", args=[invoice.pk]), data)


# --- payments ----------------------------------------------------------------------------------


def test_a_payment_of_twenty_three_nines_is_a_sentence_not_a_500(world: World, personas: dict[str, Client]) -> None:
    invoice = _invoice(world)
    for amount in ("99999999999999999999999", "1.000.000.000.001", "Rp 99.999.999.999.999.999.999.999"):
        answer = _pay(personas["admin"], invoice, amount=amount)
        assert answer.status_code == 400, amount
        assert "lebih dari Rp1.000.000.000.000, batas satu pembayaran" in body(answer), amount
    answer = _pay(personas["admin"], invoice, amount=THOUSANDS_OF_NINES)
    assert answer.status_code == 400 and "Jumlah tidak terbaca" in body(answer)
    assert not Payment.objects.exists()
    # the bound itself is a payment (an overpayment is a credit)
    assert _pay(personas["admin"], invoice, amount="1.000.000.000.000").status_code == 302


def test_a_payment_dated_after_today_is_refused_with_the_reason(world: World, personas: dict[str, Client]) -> None:
    invoice = _invoice(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for written in (tomorrow.isoformat(), tomorrow.strftime("%d/%m/%Y")):
        answer = _pay(personas["admin"], invoice, paid_on=written)
        assert answer.status_code == 400, written
        assert "belum terjadi" in body(answer) and "catat pembayaran setelah uangnya diterima" in body(answer)
    far = _pay(personas["admin"], invoice, paid_on="9999-12-31")
    assert far.status_code == 400 and "Tahun harus antara 2000 dan 2100" in body(far)
    assert not Payment.objects.exists()
    # today, written the Indonesian way, is a day that has happened
    assert _pay(personas["admin"], invoice, paid_on=timezone.localdate().strftime("%d/%m/%Y")).status_code == 302
    assert Payment.objects.get().paid_on == timezone.localdate()


def test_an_unreadable_date_says_how_to_write_one_without_iso_words(world: World, personas: dict[str, Client]) -> None:
    answer = _pay(personas["admin"], _invoice(world), paid_on="kemarin")
    assert answer.status_code == 400
    assert "tulis tanggal seperti 17/06/2026" in body(answer)
    assert "YYYY" not in body(answer).replace("Bulan (YYYY-MM)", "")


@pytest.mark.parametrize("written", ["1.000.000", "Rp 1.000.000", "1 000 000", "Rp1.000.000,-", "IDR 1.000.000"])
def test_a_payment_written_with_thousands_separators_is_read(
    world: World, personas: dict[str, Client], written: str
) -> None:
    answer = _pay(personas["admin"], _invoice(world), amount=written, paid_on="10/07/2024")
    assert answer.status_code == 302, body(answer)
    payment = Payment.objects.get()
    assert (payment.amount, payment.paid_on) == (1_000_000, dt.date(2024, 7, 10))


def test_refusals_on_the_invoice_page_write_dates_and_months_in_words(
    world: World, personas: dict[str, Client]
) -> None:
    invoice = _invoice(world)
    early = _pay(personas["admin"], invoice, paid_on="31/05/2024")
    assert "Tanggal bayar 31 Mei 2024 sebelum bulan tagihan Juni 2024" in body(early)
    assert _pay(personas["admin"], invoice).status_code == 302
    again = _pay(personas["admin"], invoice, amount="2.000.000")
    assert again.status_code == 409
    assert "Rp1.000.000 pada 10 Juli 2024" in body(again) and "pada 2024-07-10" not in body(again)


# --- invoices ----------------------------------------------------------------------------------


def test_an_invoice_far_ahead_is_refused_and_next_month_is_not_refused_for_its_month(
    world: World, personas: dict[str, Client]
) -> None:
    for written in ("2030-01", "01/2030", "Januari 2030"):
        answer = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": written})
        assert answer.status_code == 400, written
        assert "Tagihan Januari 2030 terlalu jauh ke depan" in body(answer), written
        assert "satu bulan sesudah bulan ini" in body(answer), written
    assert not Invoice.objects.filter(period=dt.date(2030, 1, 1)).exists()
    assert INVOICE_AHEAD_MONTHS == 1
    beyond = month_start(add_months(timezone.localdate(), 2))
    refused = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": f"{beyond:%Y-%m}"})
    assert refused.status_code == 400 and "terlalu jauh ke depan" in body(refused)
    following = month_start(add_months(timezone.localdate(), 1))
    ok = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": f"{following:%Y-%m}"})
    assert "terlalu jauh ke depan" not in body(ok)


def test_a_month_is_read_as_06_2024_or_juni_2024_and_a_year_out_of_bounds_is_a_sentence(
    world: World, personas: dict[str, Client]
) -> None:
    answer = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": "06/2024"})
    assert answer.status_code == 302
    assert Invoice.objects.get().period == dt.date(2024, 6, 1)
    again = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": "Juni 2024"})
    assert again.status_code == 302 and Invoice.objects.count() == 1
    old = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": "1999-12"})
    assert old.status_code == 400 and "Tahun harus antara 2000 dan 2100" in body(old)
    unread = personas["admin"].post(reverse("invoice_issue"), {"employer": "13.11", "period": "bulan depan"})
    assert unread.status_code == 400 and "tulis bulan seperti 06/2026 atau Juni 2026" in body(unread)


# --- budget, targets, agreements ----------------------------------------------------------------


def test_a_budget_for_year_ninety_nine_thousand_or_a_rise_of_a_million_percent_is_a_sentence(
    world: World, personas: dict[str, Client]
) -> None:
    for params, said in [
        ({"employer": "13.11", "year": "99999", "increase": "0"}, "antara 2015 dan 2100"),
        ({"employer": "13.11", "year": THOUSANDS_OF_NINES, "increase": "0"}, "antara 2015 dan 2100"),
        ({"employer": "13.11", "year": "2027", "increase": "1000000"}, "paling tinggi 100 persen"),
        ({"employer": "13.11", "year": "2027", "increase": "Infinity"}, "paling tinggi 100 persen"),
        ({"employer": "13.11", "year": "2027", "increase": "-100"}, "lebih dari -100"),
    ]:
        for page in ("budget", "budget_xlsx"):
            answer = personas["admin"].get(reverse(page), params)
            assert answer.status_code == 400, (page, params)
            assert said in body(answer), (page, params)
    assert (
        personas["admin"].get(reverse("budget"), {"employer": "13.11", "year": "2027", "increase": "100"}).status_code
        == 200
    )


def test_a_target_written_with_thousands_dots_is_read_and_one_beyond_ten_million_is_refused(
    world: World, personas: dict[str, Client]
) -> None:
    year = timezone.localdate().year
    answer = personas["admin"].post(reverse("target_set"), {"year": str(year), "count": "1.200", "note": ""})
    assert answer.status_code == 302
    assert Target.objects.get(year=year).count == 1200
    for count, said in [
        ("seribu", "bilangan bulat"),
        ("10.000.001", "Target paling banyak 10.000.000 pekerja"),
        ("99999999999999999999999", "Target paling banyak 10.000.000 pekerja"),
        (THOUSANDS_OF_NINES, "bilangan bulat"),
    ]:
        refused = personas["admin"].post(reverse("target_set"), {"year": str(year), "count": count, "note": ""})
        assert refused.status_code == 400 and said in body(refused), count
    for written in (THOUSANDS_OF_NINES, "3000"):
        refused = personas["admin"].post(reverse("target_set"), {"year": written, "count": "5", "note": ""})
        assert refused.status_code == 400 and "antara 2000 dan 2100" in body(refused)
        assert personas["admin"].get(reverse("targets"), {"year": written}).status_code == 400
    assert Target.objects.get(year=year).count == 1200


def test_an_agreement_dated_in_year_9999_or_with_a_huge_class_is_a_sentence(
    world: World, personas: dict[str, Client]
) -> None:
    form = {"employer": "13.11", "programs": ["JKK", "JKM"], "segment": "ppu", "risk_class": "1"}
    url = reverse("agreement_add")
    far = personas["admin"].post(url, form | {"effective_from": "9999-12-31"})
    assert far.status_code == 400 and "Tahun harus antara 2000 dan 2100" in body(far)
    huge = personas["admin"].post(url, form | {"effective_from": "2025-01-01", "risk_class": THOUSANDS_OF_NINES})
    assert huge.status_code == 400 and "Pilih kelas risiko 1 sampai 5" in body(huge)
    assert Agreement.objects.count() == 1
    typed = personas["admin"].post(url, form | {"effective_from": "01/01/2025"})
    assert typed.status_code == 302
    assert Agreement.objects.filter(effective_from=dt.date(2025, 1, 1)).exists()


# --- the API -----------------------------------------------------------------------------------


def _api_pay(client: Client, number: str, **fields: object) -> tuple[int, dict[str, Any]]:
    payload = {"billing_code": "API-1", "paid_on": "2024-07-10", "amount": 5000} | fields
    answer = client.post(f"{API}/invoices/{number}/payments", payload, content_type="application/json")
    return answer.status_code, json.loads(answer.content)


def test_the_api_answers_a_huge_or_future_payment_with_400_and_the_sentence(
    world: World, personas: dict[str, Client]
) -> None:
    number = _invoice(world).number
    status, answer = _api_pay(personas["branch"], number, amount=99999999999999999999999)
    assert (status, answer["code"]) == (400, "invalid")
    assert "lebih dari Rp1.000.000.000.000, batas satu pembayaran" in answer["message"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    status, answer = _api_pay(personas["branch"], number, paid_on=tomorrow.isoformat())
    assert (status, answer["code"]) == (400, "invalid") and "belum terjadi" in answer["message"]
    status, answer = _api_pay(personas["branch"], number, paid_on="9999-12-31")
    assert status == 400 and "belum terjadi" in answer["message"]
    assert not Payment.objects.exists()
    assert _api_pay(personas["branch"], number)[0] == 201


def test_the_api_answers_a_month_of_year_zero_with_400(world: World, personas: dict[str, Client]) -> None:
    answer = personas["admin"].get(f"{API}/invoices", {"period": "0000-01"})
    assert answer.status_code == 400
    assert "di luar tahun 2000-2100" in json.loads(answer.content)["message"]
    assert personas["admin"].get(f"{API}/invoices", {"period": "2024-06"}).status_code == 200
