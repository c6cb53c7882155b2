"""The bounds of what a person types, kept by the services (so the pages, the API and the command line agree)
and answered in a sentence: a payment above Rp 1 triliun or dated after today, an invoice more than a month
ahead, a budget year or a wage rise out of bounds, a target of more than ten million, a date in year 9999.
On the command line a number or year out of bounds is a usage error (exit 2) with the sentence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from lindung.billing.budget import project_budget
from lindung.billing.models import Payment
from lindung.billing.services import PAYMENT_MAX, adjust_invoice, issue_invoice, record_payment
from lindung.coverage.regional import whole_number
from lindung.coverage.targets import TARGET_MAX, import_targets, set_target
from lindung.domain.errors import ValidationFailed
from lindung.domain.periods import add_months, month_start
from lindung.enrolment.services import add_agreement, enrol
from tests.integration.factories import solok_selatan, write_csv
from tests.integration.test_billing import BUDI, SITI, roster
from tests.integration.test_cli import database_url, lindung, workdir

__all__ = ["database_url", "workdir"]  # fixtures shared with test_cli.py

PAY = ["payment", "add", "--invoice", "TAG-X", "--billing-code", "KB-1"]  # the bounds are checked before the invoice


@pytest.fixture
def pemda(db: None, tmp_path: Path) -> None:
    solok_selatan()
    rows = [
        [SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01", ""],
        [BUDI, "Budi Santoso", "SATPOLPP", "Honorer", "3000000", "2024-05-20", ""],
    ]
    roster(tmp_path, rows, dt.date(2024, 5, 25))
    add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="test")
    enrol("13.11", actor="test", on=dt.date(2024, 5, 25))


def _may() -> str:
    return issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice.number


# --- payments ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("pemda")
def test_a_payment_above_one_trillion_rupiah_is_refused_and_the_bound_itself_is_not() -> None:
    number = _may()
    for amount in (PAYMENT_MAX + 1, 99999999999999999999999):
        with pytest.raises(ValidationFailed, match=r"lebih dari Rp1\.000\.000\.000\.000, batas satu pembayaran"):
            record_payment(number, amount=amount, paid_on=dt.date(2024, 6, 10), billing_code="KB-1", actor="t")
    assert not Payment.objects.exists()
    record_payment(number, amount=PAYMENT_MAX, paid_on=dt.date(2024, 6, 10), billing_code="KB-1", actor="t")
    assert Payment.objects.get().amount == PAYMENT_MAX


@pytest.mark.usefixtures("pemda")
def test_a_payment_dated_after_today_is_refused_and_today_is_accepted() -> None:
    number = _may()
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed, match="belum terjadi") as refused:
        record_payment(number, amount=5000, paid_on=tomorrow, billing_code="KB-1", actor="t")
    assert f"{tomorrow.day} " in str(refused.value) and str(tomorrow.year) in str(refused.value)  # in words
    assert not Payment.objects.exists()
    record_payment(number, amount=5000, paid_on=today, billing_code="KB-1", actor="t")
    assert Payment.objects.get().paid_on == today


@pytest.mark.usefixtures("pemda")
def test_a_correction_dated_after_today_is_refused() -> None:
    number = _may()
    with pytest.raises(ValidationFailed, match="belum terjadi"):
        adjust_invoice(number, actor="t", reason="cek", on=timezone.localdate() + dt.timedelta(days=1))


# --- invoices ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("pemda")
def test_an_invoice_more_than_one_month_ahead_is_refused_with_the_reason() -> None:
    with pytest.raises(ValidationFailed, match="Tagihan Januari 2030 terlalu jauh ke depan") as refused:
        issue_invoice("13.11", dt.date(2030, 1, 1), actor="t")
    this_month = month_start(timezone.localdate())
    assert "satu bulan sesudah bulan ini" in str(refused.value)
    with pytest.raises(ValidationFailed, match="terlalu jauh ke depan"):
        issue_invoice("13.11", add_months(this_month, 2), actor="t")
    issued = issue_invoice("13.11", add_months(this_month, 1), actor="t")
    assert issued.created and issued.invoice.period == add_months(this_month, 1)
    with pytest.raises(ValidationFailed, match="di luar tahun 2000-2100"):
        issue_invoice("13.11", dt.date(1999, 12, 1), actor="t")


# --- budget, targets, agreements ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_budget_year_or_a_wage_rise_out_of_bounds_is_refused_before_anything_is_read() -> None:
    for year in (2014, 2101, 99999):
        with pytest.raises(ValidationFailed, match="Tahun anggaran harus antara 2015 dan 2100"):
            project_budget("13.11", year, Decimal(0))
    for increase in (Decimal(-100), Decimal("100.01"), Decimal("1E+999"), Decimal("NaN")):
        with pytest.raises(ValidationFailed, match="paling tinggi 100 persen"):
            project_budget("13.11", 2027, increase)


@pytest.mark.django_db
def test_a_target_above_ten_million_is_refused_by_hand_and_in_a_file(tmp_path: Path) -> None:
    solok_selatan()
    with pytest.raises(ValidationFailed, match=r"Target paling banyak 10\.000\.000 pekerja"):
        set_target(2026, TARGET_MAX + 1, employer="13.11", actor="t")
    assert set_target(2026, TARGET_MAX, employer="13.11", actor="t")[0].count == TARGET_MAX
    header = ["Tahun", "Kode Pemda", "Kode OPD", "Sasaran", "Jumlah", "Keterangan"]
    rows = [["2027", "13.11", "", "", "99.999.999.999", ""], ["2027", "13.11", "DINKES", "", "9" * 5000, ""]]
    with pytest.raises(ValidationFailed) as refused:
        import_targets(write_csv(tmp_path / "target.csv", rows, header=header), actor="t")
    assert {(i.row, i.code) for i in refused.value.issues} >= {(2, "COUNT_TOO_LARGE"), (3, "COUNT_TOO_LARGE")}
    assert whole_number("9" * 5000) == (None, "TOO_LARGE")


@pytest.mark.usefixtures("pemda")
def test_an_agreement_or_an_enrolment_in_year_9999_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="Tanggal berlaku 31 Desember 9999 di luar tahun 2000-2100"):
        add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(9999, 12, 31), actor="t")
    with pytest.raises(ValidationFailed, match="Tanggal dasar hukum 1 Januari 1 di luar tahun 2000-2100"):
        add_agreement(
            "13.11", programs="JKK,JKM", effective_from=dt.date(2025, 1, 1), basis_date=dt.date(1, 1, 1), actor="t"
        )
    with pytest.raises(ValidationFailed, match="Tanggal pendaftaran 31 Desember 9999 di luar tahun 2000-2100"):
        enrol("13.11", actor="t", on=dt.date(9999, 12, 31))


# --- the command line ----------------------------------------------------------------------------


def test_numbers_and_years_out_of_bounds_on_the_command_line_exit_2_with_the_sentence(workdir: Path) -> None:
    cases = [
        (
            [*PAY, "--amount", "99999999999999999999999", "--date", "2024-06-10"],
            "lebih dari Rp1.000.000.000.000, batas satu pembayaran",
        ),
        (
            [*PAY, "--amount", "5000", "--date", "9999-12-31"],
            "di luar tahun 2000-2100",
        ),
        (["budget", "--employer", "13.11", "--year", "99999"], "Tahun anggaran harus antara 2015 dan 2100"),
        (["budget", "--employer", "13.11", "--year", "2027", "--increase", "1000"], "paling tinggi 100 persen"),
        (["invoice", "create", "--employer", "13.11", "--period", "1999-12"], "di luar tahun 2000-2100"),
        (["contribution", "--wage", "10000000000000", "--programs", "JKK,JKM"], "batas upah sebulan"),
    ]
    for args, said in cases:
        done = lindung(*args, cwd=workdir)
        assert done.returncode == 2, (args, done.stderr)
        assert said in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_a_future_payment_or_a_far_invoice_on_the_command_line_is_refused_with_the_reason(workdir: Path) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    done = lindung(*PAY, "--amount", "5000", "--date", tomorrow, cwd=workdir)
    assert done.returncode == 1 and "belum terjadi" in done.stderr, done.stderr
    far = lindung("invoice", "create", "--employer", "13.11", "--period", "2030-01", cwd=workdir)
    assert far.returncode == 1 and "Tagihan Januari 2030 terlalu jauh ke depan" in far.stderr, far.stderr
