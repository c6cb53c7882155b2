"""Budget projection for next year's APBD: months add up, funders add up, raises, caps and agreements by month."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lindung.billing.budget import Projection, project_budget, write_budget_xlsx
from lindung.domain.errors import ValidationFailed
from lindung.enrolment.services import FunderShare, add_agreement
from lindung.intake.services import import_roster
from tests.integration.factories import solok_selatan, write_csv

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 11, 4)
HEADER = ["NIK", "Nama Lengkap", "L/P", "Kode Unit", "Kategori", "Jabatan", "Gaji", "TMT"]
SITI_WAGE = 2_512_345  # DINKES, class 1
RUSLI_WAGE = 12_000_000  # NGR-PT, above every JP cap
FUNDERS = [
    FunderShare("APBD Kabupaten Solok Selatan", "kabkota", Decimal(60)),
    FunderShare("APBD Provinsi Sumatera Barat", "provinsi", Decimal(40)),
]


def roster(tmp_path: Path, *, vulnerable: bool = False) -> None:
    """Solok Selatan: Siti (DINKES), Budi (SATPOLPP), Rusli (NGR-PT) and optionally a sponsored BPU worker."""
    solok_selatan()
    rows = [
        ["1311015507900001", "Siti Aminah", "P", "DINKES", "THL", "Cleaning service", str(SITI_WAGE), "02/01/2024"],
        ["1311011203850002", "Budi Santoso", "L", "SATPOLPP", "Honorer", "Pemadam", "3000001", "02/01/2024"],
        ["1311010101800003", "Rusli", "L", "NGR-PT", "Perangkat Desa/Nagari", "Wali", str(RUSLI_WAGE), "02/01/2024"],
    ]
    if vulnerable:
        rows.append(
            ["1311014403750004", "Nurhayati", "P", "NGR-PT", "Pekerja Rentan (BPU)", "Petani", "1000000", "02/01/2024"]
        )
    path = write_csv(tmp_path / "roster.csv", rows, header=HEADER)
    result = import_roster(path, "13.11", mode="commit", actor="test", today=ON)
    assert result.committed, result.issues


def agreement(effective_from: dt.date = dt.date(2024, 1, 1), **kw: Any) -> None:
    kw.setdefault("programs", "JKK,JKM,JHT,JP")
    kw.setdefault("funders", FUNDERS)
    kw.setdefault("unit_classes", {"SATPOLPP": 3})
    add_agreement("13.11", effective_from=effective_from, actor="test", **kw)


def cell(p: Projection, month: int, unit: str, program: str) -> tuple[int, int]:
    found = [c for c in p.cells if (c.month, c.unit_code, c.program) == (month, unit, program)]
    assert len(found) == 1, found
    return found[0].employer, found[0].worker


def test_the_yearly_total_is_the_sum_of_the_months_units_programs_and_cells(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement()
    p = project_budget("13.11", 2025, Decimal(10), on=ON)
    assert (p.workers, p.not_covered) == (3, 0)
    assert [m.month for m in p.months] == list(range(1, 13))
    assert all(m.workers == 3 for m in p.months)
    assert p.total == sum(m.total for m in p.months) > 0
    assert p.total == sum(u.total for u in p.units) == sum(g.total for g in p.programs) == sum(c.total for c in p.cells)
    assert p.employer_amount == sum(m.employer for m in p.months)
    assert {(u.unit_code, u.workers) for u in p.units} == {("DINKES", 1), ("SATPOLPP", 1), ("NGR-PT", 1)}
    for m in p.months:
        assert m.total == sum(c.total for c in p.cells if c.month == m.month)
    data = json.loads(json.dumps(p.as_dict()))
    assert data["total"]["total"] == p.total
    assert data["months"][0]["month"] == "2025-01"
    assert all(isinstance(c["total"], int) for c in data["cells"])
    # By hand, wages raised 10% and each share rounded half up (JKK class 1 / class 3 for SATPOLPP, JKM 0.30%,
    # JHT 3.7% + 2%, JP 2% + 1% up to the cap: 10,042,300 in January-February 2025, 10,547,400 from March):
    # Siti 2,512,345 x 1.1 = 2,763,579.5 -> 2,763,580: JKK 6,632.59 -> 6,633, JKM 8,290.74 -> 8,291,
    #   JHT 102,252.46 -> 102,252 + 55,271.6 -> 55,272, JP 55,272 + 27,635.8 -> 27,636: 172,448 + 82,908 = 255,356.
    # Budi 3,000,001 x 1.1 = 3,300,001.1 -> 3,300,001: JKK 0.89% 29,370, JKM 9,900, JHT 122,100 + 66,000,
    #   JP 66,000 + 33,000: 227,370 + 99,000 = 326,370.
    # Rusli 12,000,000 x 1.1 = 13,200,000: JKK 31,680, JKM 39,600, JHT 488,400 + 264,000; JP on the cap
    #   200,846 + 100,423 (Jan-Feb), 210,948 + 105,474 (Mar-Dec): 760,526 + 364,423 = 1,124,949 a month,
    #   then 770,628 + 369,474 = 1,140,102.
    # A month: 255,356 + 326,370 + 1,124,949 = 1,706,675 (Jan-Feb), + 1,140,102 instead = 1,721,828 (Mar-Dec).
    assert [m.total for m in p.months] == [1_706_675] * 2 + [1_721_828] * 10
    # Year: employer 12 x (172,448 + 227,370) + 2 x 760,526 + 10 x 770,628 = 14,025,148;
    # worker 12 x (82,908 + 99,000) + 2 x 364,423 + 10 x 369,474 = 6,606,482; total 20,631,630.
    assert (p.employer_amount, p.worker_amount, p.total) == (14_025_148, 6_606_482, 20_631_630)


def test_funders_add_up_exactly_to_the_funded_amount_when_sixty_forty_leaves_an_odd_rupiah(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement()
    p = project_budget("13.11", 2025, Decimal(0), on=ON)
    odd = [m for m in p.months if m.funded % 5]  # 60% and 40% of it are not whole rupiah
    assert odd, "the wages must leave a remainder for this test to mean anything"
    for m in p.months:
        parts = [f for f in p.funding if f.month == m.month]
        assert [f.funder for f in parts] == ["APBD Kabupaten Solok Selatan", "APBD Provinsi Sumatera Barat"]
        assert sum(f.amount for f in parts) == m.funded == m.total  # the employer pays the worker share too
        for f in parts:  # largest remainder: each part is its exact share rounded down or up
            exact = Decimal(m.funded) * f.share / 100
            assert abs(f.amount - exact) < 1
    assert sum(f.amount for f in p.funders) == p.funded == p.total
    kab = next(f for f in p.funders if f.kind == "kabkota")
    assert kab.amount == sum(f.amount for f in p.funding if f.kind == "kabkota")


def test_a_ten_percent_raise_raises_jkk_by_exactly_the_recomputed_amount(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement()
    flat = project_budget("13.11", 2025, Decimal(0), on=ON)
    raised = project_budget("13.11", 2025, Decimal(10), on=ON)
    # Siti: 2.512.345 x 110% = 2.763.579,5 -> 2.763.580 (half up); JKK class 1 0,24% (PP 44/2015):
    # before 6.029,628 -> 6.030, after 2.763.580 x 0,24% = 6.632,592 -> 6.633.
    assert cell(flat, 1, "DINKES", "JKK") == (6_030, 0)
    assert cell(raised, 1, "DINKES", "JKK") == (6_633, 0)
    assert cell(raised, 12, "DINKES", "JKK")[0] - cell(flat, 12, "DINKES", "JKK")[0] == 603
    # Budi 3.000.001 -> 3.300.001,1 -> 3.300.001 in SATPOLPP, class 3 by the unit override:
    # 0,89% = 29.370,0089 -> 29.370
    assert cell(raised, 1, "SATPOLPP", "JKK") == (29_370, 0)
    assert any("dinaikkan 10%" in n for n in raised.notes)


def test_the_jp_cap_switches_in_march_for_a_worker_above_the_cap(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement()
    p = project_budget("13.11", 2026, Decimal(0), on=ON)
    # PP 45/2015: JP 2% employer, 1% worker of min(wage, cap). Cap Rp10.547.400 until 28 Feb 2026,
    # Rp11.086.300 from 1 March 2026 (rates/jp_cap.toml).
    assert cell(p, 1, "NGR-PT", "JP") == cell(p, 2, "NGR-PT", "JP") == (210_948, 105_474)
    assert cell(p, 3, "NGR-PT", "JP") == cell(p, 12, "NGR-PT", "JP") == (221_726, 110_863)
    assert cell(p, 1, "DINKES", "JP") == cell(p, 3, "DINKES", "JP")  # under the cap: no change
    assert any("Rp10.547.400" in n and "Rp11.086.300 mulai Maret 2026" in n for n in p.notes)


def test_the_latest_known_jp_cap_continues_when_the_data_has_no_newer_one_and_a_note_says_so(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement()
    p = project_budget("13.11", 2027, Decimal(0), on=ON)
    assert cell(p, 1, "NGR-PT", "JP") == cell(p, 3, "NGR-PT", "JP") == (221_726, 110_863)
    assert any("Maret 2027 belum ada dalam data tarif" in n and "Rp11.086.300" in n for n in p.notes)


def test_employments_of_a_segment_without_an_agreement_are_counted_as_not_covered(tmp_path: Path) -> None:
    roster(tmp_path, vulnerable=True)
    agreement()
    p = project_budget("13.11", 2025, Decimal(5), on=ON)
    assert (p.workers, p.not_covered) == (3, 1)
    assert {c.segment for c in p.cells} == {"ppu"}
    assert any("1 penugasan BPU tidak dihitung" in n for n in p.notes)


def test_a_bpu_agreement_covers_the_vulnerable_workers_as_their_own_share(tmp_path: Path) -> None:
    roster(tmp_path, vulnerable=True)
    agreement()
    agreement(segment="bpu", programs="JKK,JKM", unit_classes={}, funders=[])
    p = project_budget("13.11", 2025, Decimal(0), on=ON)
    assert (p.workers, p.not_covered) == (4, 0)
    # BPU (PP 44/2015 jo. PP 82/2019): JKK 1% of Rp1.000.000 = 10.000 and JKM a flat Rp6.800, the participant's own
    bpu = [c for c in p.cells if c.segment == "bpu" and c.month == 1]
    assert {(c.program, c.employer, c.worker) for c in bpu} == {("JKK", 0, 10_000), ("JKM", 0, 6_800)}
    bpu_funding = [f for f in p.funding if f.segment == "bpu" and f.month == 1]
    assert [(f.kind, f.amount) for f in bpu_funding] == [("kabkota", 16_800)]


def test_a_reported_wage_replaces_each_wage_and_is_not_raised(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement()
    agreement(dt.date(2025, 1, 1), reported_wage=2_800_000)
    p = project_budget("13.11", 2025, Decimal(10), on=ON)
    # Rp2.800.000 x 0,24% (class 1) = 6.720 for Siti and Rusli alike; Budi's unit is class 3: 0,89% = 24.920
    assert cell(p, 1, "DINKES", "JKK") == cell(p, 1, "NGR-PT", "JKK") == (6_720, 0)
    assert cell(p, 6, "SATPOLPP", "JKK") == (24_920, 0)
    assert any("Rp2.800.000" in n and "kenaikan upah tidak diterapkan" in n for n in p.notes)


def test_each_month_uses_the_agreement_in_force_on_its_first_day_or_the_current_one(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement(dt.date(2024, 6, 1), unit_classes={})
    agreement(dt.date(2024, 9, 1), risk_class=2, unit_classes={})
    p = project_budget("13.11", 2024, Decimal(0), on=ON)
    # Siti 2.512.345: class 1 0,24% = 6.030 (June-August); class 2 0,54% = 13.566,663 -> 13.567 from September,
    # and January-May, before any agreement, fall back to the one in force on the day (class 2).
    assert [cell(p, m, "DINKES", "JKK")[0] for m in (1, 5, 6, 8, 9, 12)] == [
        13_567,
        13_567,
        6_030,
        6_030,
        13_567,
        13_567,
    ]
    assert any("Januari, Februari, Maret, April, Mei 2024" in n and "4 November 2024" in n for n in p.notes)


def test_the_worker_share_cut_from_wages_is_left_out_of_the_funded_amount(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement(worker_share_payer="worker")
    p = project_budget("13.11", 2025, Decimal(0), on=ON)
    assert p.funded == p.employer_amount < p.total
    for m in p.months:
        assert sum(f.amount for f in p.funding if f.month == m.month) == m.employer


def test_a_nonsensical_increase_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="Kenaikan upah"):
        project_budget("13.11", 2025, Decimal(-100))


def test_the_budget_workbook_shows_twelve_months_the_year_and_the_notes(tmp_path: Path) -> None:
    roster(tmp_path)
    agreement()
    p = project_budget("13.11", 2026, Decimal("7.5"), on=ON)
    out = tmp_path / "anggaran.xlsx"
    write_budget_xlsx(p, out)
    book = openpyxl.load_workbook(out, data_only=True)
    assert book.sheetnames == ["Ringkasan", "Per Unit", "Per Program", "Per Penyandang Dana", "Catatan"]
    units = [list(r) for r in book["Per Unit"].iter_rows(values_only=True)]
    header, total = units[0], units[-1]
    assert header[4:17] == [*(f"{m} 2026" for m in ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep",
                                                   "Okt", "Nov", "Des")), "Setahun"]  # fmt: skip
    assert total[16] == p.total == sum(total[4:16])
    assert total[4:16] == [m.total for m in p.months]
    nagari_jp = next(r for r in units if r[1] == "NGR-PT" and r[3] == "JP")
    assert nagari_jp[5] != nagari_jp[6]  # February to March: the new JP cap
    funders = [list(r) for r in book["Per Penyandang Dana"].iter_rows(values_only=True)]
    assert funders[-1][15] == p.funded
    notes = [r[0] for r in book["Catatan"].iter_rows(values_only=True)]
    assert notes[1:] == list(p.notes)
