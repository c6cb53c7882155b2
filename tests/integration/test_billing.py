"""Agreements, enrolment, KPJ numbers and the monthly invoice, through the real services and database.

Each golden case names its rule. Amounts are computed here from the rates the reference lists, so a
wrong rate file or a wrong rule fails the test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from lindung.billing.models import Invoice, InvoiceFunding, InvoiceLine, InvoiceSubtotal
from lindung.billing.services import adjust_invoice, arrears, issue_invoice, record_payment, statements
from lindung.domain.errors import Conflict, NotFound, ValidationFailed
from lindung.enrolment.models import Membership
from lindung.enrolment.services import FunderShare, add_agreement, enrol, import_kpj
from lindung.intake.services import import_roster
from lindung.registry.models import Worker
from tests.integration.factories import solok_selatan, write_csv

pytestmark = pytest.mark.django_db
SITI = "1311015507900001"
BUDI = "1311011203850002"
RINA = "1311014107920003"
HEADER = ["NIK", "Nama Lengkap", "Kode Unit", "Kategori", "Upah Sebulan", "TMT", "Tanggal Selesai"]


def roster(tmp_path: Path, rows: list[list[str]], today: dt.date, name: str = "r.csv") -> None:
    path = write_csv(tmp_path / name, rows, header=HEADER)
    result = import_roster(path, "13.11", mode="commit", actor="test", today=today)
    assert result.committed, [i.message for i in result.issues if i.severity == "error"]


def jkk_jkm(wage: int) -> int:
    """PP 44/2015: JKK class 1 0.24% + JKM 0.30%, each rounded half up to the rupiah."""
    return int((Decimal(wage) * Decimal("0.0024")).quantize(Decimal(1), "ROUND_HALF_UP")) + int(
        (Decimal(wage) * Decimal("0.0030")).quantize(Decimal(1), "ROUND_HALF_UP")
    )


@pytest.fixture
def pemda(tmp_path: Path) -> None:
    solok_selatan()
    roster(
        tmp_path,
        [
            [SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01", ""],
            [BUDI, "Budi Santoso", "SATPOLPP", "Honorer", "3000000", "2024-05-20", ""],  # joins mid-May
        ],
        dt.date(2024, 5, 25),
    )
    add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="test")
    enrol("13.11", actor="test", on=dt.date(2024, 5, 25))


def line_total(invoice: Invoice, nik: str) -> int | None:
    line = InvoiceLine.objects.filter(invoice=invoice, worker__nik=nik).first()
    return None if line is None else line.employer_amount + line.worker_amount


@pytest.mark.usefixtures("pemda")
def test_enrolment_starts_at_the_agreement_or_the_later_start_and_is_idempotent() -> None:
    siti = Membership.objects.get(worker__nik=SITI)
    budi = Membership.objects.get(worker__nik=BUDI)
    assert siti.valid_from == dt.date(2024, 1, 1)  # employed since 2022: covered from the agreement
    assert budi.valid_from == dt.date(2024, 5, 20)  # a later start: covered from the start
    again = enrol("13.11", actor="test", on=dt.date(2024, 5, 25))
    assert (again.enrolled, again.already) == (0, 2)
    assert Membership.objects.count() == 2


@pytest.mark.usefixtures("pemda")
def test_a_worker_joining_mid_month_pays_the_whole_month_and_not_the_month_before() -> None:
    # PP 44/2015 Pasal 19: no prorated wages; membership from 20 May bills all of May.
    april = issue_invoice("13.11", dt.date(2024, 4, 1), actor="test").invoice
    may = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice
    assert line_total(april, BUDI) is None
    assert line_total(may, BUDI) == jkk_jkm(3_000_000) == 7_200 + 9_000
    assert may.total == jkk_jkm(2_500_000) + jkk_jkm(3_000_000)
    assert may.workers == 2


@pytest.mark.usefixtures("pemda")
def test_a_worker_leaving_is_billed_to_the_end_of_that_month(tmp_path: Path) -> None:
    roster(
        tmp_path, [[SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01", "2024-06-10"]], dt.date(2024, 6, 12)
    )
    result = enrol("13.11", actor="test", on=dt.date(2024, 7, 1))
    assert result.ended == 1
    membership = Membership.objects.get(worker__nik=SITI)
    assert (membership.valid_to, membership.status) == (dt.date(2024, 6, 30), Membership.Status.ENDED)
    june = issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice
    july = issue_invoice("13.11", dt.date(2024, 7, 1), actor="test").invoice
    assert line_total(june, SITI) == jkk_jkm(2_500_000)
    assert line_total(july, SITI) is None


@pytest.mark.usefixtures("pemda")
def test_a_wage_change_applies_from_the_month_it_takes_effect(tmp_path: Path) -> None:
    roster(tmp_path, [[SITI, "Siti Aminah", "DINKES", "THL", "3100000", "2022-03-01", ""]], dt.date(2024, 6, 10))
    may = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice  # issued after the change
    june = issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice
    assert line_total(may, SITI) == jkk_jkm(2_500_000)
    assert line_total(june, SITI) == jkk_jkm(3_100_000)


@pytest.mark.usefixtures("pemda")
def test_issuing_the_same_month_twice_returns_the_same_invoice() -> None:
    first = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test")
    second = issue_invoice("13.11", dt.date(2024, 5, 17), actor="test")
    assert (first.created, second.created) == (True, False)
    assert first.invoice.pk == second.invoice.pk
    assert Invoice.objects.count() == 1
    assert InvoiceLine.objects.count() == 2


@pytest.mark.usefixtures("pemda")
def test_subtotals_per_unit_and_program_add_up_to_the_total() -> None:
    invoice = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice
    subtotals = InvoiceSubtotal.objects.filter(invoice=invoice)
    assert {(s.unit.code, s.program) for s in subtotals} == {
        ("DINKES", "JKK"),
        ("DINKES", "JKM"),
        ("SATPOLPP", "JKK"),
        ("SATPOLPP", "JKM"),
    }
    assert sum(s.employer_amount + s.worker_amount for s in subtotals) == invoice.total


@pytest.mark.usefixtures("pemda")
def test_a_unit_overriding_the_risk_class_is_billed_at_its_class(tmp_path: Path) -> None:
    # PP 44/2015 Lampiran I: class 3 is 0.89%; a fire brigade is not an office.
    add_agreement(
        "13.11", programs="JKK,JKM", effective_from=dt.date(2024, 6, 1), actor="test", unit_classes={"SATPOLPP": 3}
    )
    june = issue_invoice("13.11", dt.date(2024, 6, 1), actor="test").invoice
    line = InvoiceLine.objects.get(invoice=june, worker__nik=BUDI)
    assert (line.risk_class, line.jkk, line.jkm) == (3, 26_700, 9_000)


def test_a_split_funded_invoice_gives_every_rupiah_to_exactly_one_funder(tmp_path: Path) -> None:
    solok_selatan()
    roster(
        tmp_path, [[SITI, "Siti Aminah", "NGR-PT", "Perangkat Desa", "2500001", "2022-03-01", ""]], dt.date(2024, 5, 2)
    )
    add_agreement(
        "13.11",
        programs="JKK,JKM",
        effective_from=dt.date(2024, 1, 1),
        actor="test",
        funders=[
            FunderShare("APBD Kab. Solok Selatan", "kabkota", Decimal("33.33")),
            FunderShare("APBD Prov. Sumatera Barat", "provinsi", Decimal("33.33")),
            FunderShare("APBDes Nagari Pasir Talang", "apbdes", Decimal("33.34")),
        ],
    )
    enrol("13.11", actor="test", on=dt.date(2024, 5, 2))
    invoice = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice
    amounts = [f.amount for f in InvoiceFunding.objects.filter(invoice=invoice).order_by("id")]
    assert invoice.total == jkk_jkm(2_500_001) == 13_500
    assert sum(amounts) == invoice.total
    # 4,499.55 + 4,499.55 + 4,500.90: the two rupiah left go to the largest remainders (.90, then the first .55)
    assert amounts == [4_500, 4_499, 4_501]


def test_shares_must_add_up_to_a_hundred_percent() -> None:
    solok_selatan()
    with pytest.raises(ValidationFailed, match="100%"):
        add_agreement(
            "13.11",
            programs="JKK,JKM",
            effective_from=dt.date(2024, 1, 1),
            actor="test",
            funders=[FunderShare("A", "kabkota", Decimal(60)), FunderShare("B", "provinsi", Decimal(30))],
        )


@pytest.mark.usefixtures("pemda")
def test_a_due_date_on_a_holiday_moves_to_the_next_working_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # April 2026 is due 15 May 2026, cuti bersama after Kenaikan Yesus Kristus (Friday), then the weekend.
    invoice = issue_invoice("13.11", dt.date(2026, 4, 1), actor="test").invoice
    assert invoice.due_date == dt.date(2026, 5, 18)
    # February 2027 is due Monday 15 March 2027, Idulfitri 1448 H: Tuesday. Issued in January 2027 (an invoice
    # is issued at most a month ahead).
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2027, 1, 15))
    assert issue_invoice("13.11", dt.date(2027, 2, 1), actor="test").invoice.due_date == dt.date(2027, 3, 16)
    june = issue_invoice("13.11", dt.date(2026, 6, 1), actor="test").invoice
    assert june.due_date == dt.date(2026, 7, 15)  # a Wednesday: unchanged


@pytest.mark.usefixtures("pemda")
def test_a_correction_after_issue_is_a_dated_adjustment_and_the_invoice_stays(tmp_path: Path) -> None:
    may = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice
    assert adjust_invoice(may.number, actor="test", reason="cek ulang", on=dt.date(2024, 6, 3)) is None
    rina_rows = [[RINA, "Rina Marlina", "DINKES", "THL", "2000000", "2024-05-02", ""]]
    roster(tmp_path, rina_rows, dt.date(2024, 6, 3), "late.csv")  # reported late: worked since 2 May
    enrol("13.11", actor="test", on=dt.date(2024, 6, 3))
    adjustment = adjust_invoice(may.number, actor="test", reason="pekerja terlambat dilaporkan", on=dt.date(2024, 6, 3))
    assert adjustment is not None
    assert adjustment.amount == jkk_jkm(2_000_000)
    may.refresh_from_db()
    assert may.total == jkk_jkm(2_500_000) + jkk_jkm(3_000_000)  # never edited
    assert adjust_invoice(may.number, actor="test", reason="lagi", on=dt.date(2024, 6, 4)) is None
    (statement,) = statements([may], dt.date(2024, 6, 4))
    assert statement.owed == may.total + adjustment.amount


@pytest.mark.usefixtures("pemda")
def test_payments_partial_and_over_and_the_arrears_by_age() -> None:
    may = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice  # due 2024-06-17 (15th a Saturday)
    assert may.due_date == dt.date(2024, 6, 17)
    record_payment(may.number, amount=10_000, paid_on=dt.date(2024, 6, 14), billing_code="K1", actor="test")
    (late,) = arrears(dt.date(2024, 8, 1), "13.11")
    assert (late.balance, late.days_overdue, late.bucket) == (may.total - 10_000, 45, "31-60 hari")
    assert late.late_fee == 0  # the agreement does not enable the fee
    _, created = record_payment(may.number, amount=10_000, paid_on=dt.date(2024, 6, 14), billing_code="K1", actor="t")
    assert not created  # the same billing code is not counted twice
    with pytest.raises(Conflict):
        record_payment(may.number, amount=99, paid_on=dt.date(2024, 6, 14), billing_code="K1", actor="test")
    record_payment(may.number, amount=may.total, paid_on=dt.date(2024, 8, 2), billing_code="K2", actor="test")
    (statement,) = statements([may], dt.date(2024, 8, 2))
    assert statement.balance == -10_000  # overpaid: a credit
    assert arrears(dt.date(2024, 8, 2), "13.11") == []


def test_the_late_fee_is_two_percent_a_month_only_where_the_agreement_enables_it(tmp_path: Path) -> None:
    # PP 44/2015: 2% of the iuran unpaid, for each month late (for a Pemda unverified: opt-in per agreement).
    solok_selatan()
    roster(tmp_path, [[SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01", ""]], dt.date(2024, 5, 2))
    add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="test", late_fee=True)
    enrol("13.11", actor="test", on=dt.date(2024, 5, 2))
    may = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice  # 13,500 due 2024-06-17
    (one_day,) = arrears(dt.date(2024, 6, 18), "13.11")
    assert one_day.late_fee == 270  # month 1: 2% of 13,500
    record_payment(may.number, amount=3_500, paid_on=dt.date(2024, 7, 1), billing_code="K1", actor="test")
    (later,) = arrears(dt.date(2024, 8, 20), "13.11")
    assert later.late_fee == 270 + 200 + 200  # months 2 and 3 on the 10,000 still unpaid


@pytest.mark.usefixtures("pemda")
def test_kpj_numbers_are_recorded_and_unmatched_niks_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kpj.csv",
        [
            [SITI, "24011234567", "AKTIF"],
            [BUDI, "24011234568", "DITOLAK"],
            ["3201011507900009", "24019999999", "AKTIF"],
        ],
        header=["NIK", "No KPJ", "Status"],
    )
    result = import_kpj(path, "13.11", actor="test")
    assert (result.updated, result.unchanged) == (2, 0)
    assert result.unmatched == [{"row": 4, "nik": "3201********0009", "reason": "tidak ada kepesertaan di Pemda ini"}]
    siti = Membership.objects.get(worker__nik=SITI)
    assert (siti.kpj, siti.status) == ("24011234567", Membership.Status.ACTIVE)
    assert Membership.objects.get(worker__nik=BUDI).status == Membership.Status.REJECTED
    # a rejected membership is not billed
    may = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test").invoice
    assert line_total(may, BUDI) is None
    assert import_kpj(path, "13.11", actor="test").unchanged == 2


@pytest.mark.usefixtures("pemda")
def test_a_kpj_file_with_a_bad_row_changes_nothing(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "kpj.csv", [[SITI, "24011234567", "AKTIF"], [BUDI, "12AB", "entah"]], header=["NIK", "KPJ", "Status"]
    )
    with pytest.raises(ValidationFailed) as caught:
        import_kpj(path, "13.11", actor="test")
    assert {(i.row, i.code) for i in caught.value.issues} == {(3, "KPJ_INVALID"), (3, "KPJ_STATUS_UNKNOWN")}
    assert not Membership.objects.filter(kpj__isnull=False).exists()


@pytest.mark.usefixtures("pemda")
def test_re_enrolment_after_a_gap_is_a_new_membership_and_keeps_the_old(tmp_path: Path) -> None:
    roster(
        tmp_path, [[SITI, "Siti Aminah", "DINKES", "THL", "2500000", "2022-03-01", "2024-06-10"]], dt.date(2024, 6, 12)
    )
    enrol("13.11", actor="test", on=dt.date(2024, 7, 1))
    back = [[SITI, "Siti Aminah", "DINKES", "THL", "2600000", "2024-09-02", ""]]
    roster(tmp_path, back, dt.date(2024, 9, 2), "back.csv")
    enrol("13.11", actor="test", on=dt.date(2024, 9, 2))
    history = list(
        Membership.objects.filter(worker__nik=SITI).order_by("valid_from").values_list("valid_from", "valid_to")
    )
    assert history == [(dt.date(2024, 1, 1), dt.date(2024, 6, 30)), (dt.date(2024, 9, 2), None)]
    august = issue_invoice("13.11", dt.date(2024, 8, 1), actor="test").invoice
    assert line_total(august, SITI) is None


def test_an_agreement_is_recorded_once_and_a_different_one_on_the_same_day_is_refused() -> None:
    solok_selatan()
    first, created = add_agreement("13.11", programs="jkm, jkk", effective_from=dt.date(2024, 1, 1), actor="test")
    assert created and first.programs == "JKK,JKM"
    again, created = add_agreement("13.11", programs="JKK,JKM", effective_from=dt.date(2024, 1, 1), actor="test")
    assert not created and again.pk == first.pk
    with pytest.raises(Conflict):
        add_agreement("13.11", programs="JKK,JKM,JHT", effective_from=dt.date(2024, 1, 1), actor="test")


def test_an_agreement_refuses_what_cannot_be_billed() -> None:
    solok_selatan()
    with pytest.raises(ValidationFailed):
        add_agreement("13.11", programs="JKK,JKM,JP", effective_from=dt.date(2024, 1, 1), actor="t", segment="bpu")
    with pytest.raises(ValidationFailed):
        add_agreement("13.11", programs="JKK,JKP", effective_from=dt.date(2020, 1, 1), actor="t")  # JKP from 2021
    with pytest.raises(ValidationFailed):
        add_agreement("13.11", programs="JKK,XYZ", effective_from=dt.date(2024, 1, 1), actor="t")
    with pytest.raises(NotFound):
        add_agreement("13.11", programs="JKK", effective_from=dt.date(2024, 1, 1), actor="t", unit_classes={"NOPE": 3})


def test_enrolling_without_an_agreement_says_what_to_do_first() -> None:
    solok_selatan()
    with pytest.raises(NotFound, match="agreement add"):
        enrol("13.11", actor="test", on=dt.date(2024, 5, 1))


@pytest.mark.usefixtures("pemda")
def test_a_whole_month_and_a_unit_invoice_of_the_same_month_never_overlap() -> None:
    issue_invoice("13.11", dt.date(2024, 5, 1), actor="test", unit_code="DINKES")
    with pytest.raises(Conflict):
        issue_invoice("13.11", dt.date(2024, 5, 1), actor="test")
    unit = issue_invoice("13.11", dt.date(2024, 5, 1), actor="test", unit_code="SATPOLPP").invoice
    assert unit.number == "TAG-13.11-202405-PPU-UNIT-SATPOLPP"
    assert Worker.objects.count() == 2
