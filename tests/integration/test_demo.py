"""`lindung demo`: the Pemda of the seed stories at their scale, valid NIKs, the same data every time, idempotent."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from lindung.billing.models import Invoice, Payment
from lindung.billing.services import arrears
from lindung.demo.scenario import AGE_DAY, plan_demo
from lindung.domain.nik import check_niks
from lindung.enrolment.models import Agreement, Membership
from lindung.regions.models import Region
from lindung.regions.services import load_regions, region_codes
from lindung.registry.models import BranchOffice, Change, ChangeSet, Employer, Employment, Worker, WorkUnit
from lindung.registry.services import add_employer, open_changeset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions() -> None:
    if Region.objects.count() == 0:
        load_regions()


def demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def kabkota(province: str, name: str) -> str:
    return Region.objects.get(parent_id=province, name=name, current=True).code


def workers_of(code: str) -> int:
    return Employment.objects.filter(employer__region_id=code).values("worker_id").distinct().count()


def table_counts() -> tuple[int, ...]:
    return (
        Employer.objects.count(),
        WorkUnit.objects.count(),
        Worker.objects.count(),
        Employment.objects.count(),
        ChangeSet.objects.count(),
        Change.objects.count(),
        BranchOffice.territory.through.objects.count(),
    )


def test_a_second_run_changes_nothing_and_says_so() -> None:
    first = demo()
    counts = table_counts()
    second = demo()
    assert table_counts() == counts
    assert "dibuat" in first and "Jumlah: 26 Pemda baru" in first
    assert "Tidak ada yang berubah" in second and "dibuat" not in second
    assert 19_000 <= Worker.objects.count() <= 22_000
    assert Worker.objects.count() == Employment.objects.count()
    demo_changeset = ChangeSet.objects.get(source="demo").pk  # one ChangeSet holds every demo row
    assert not Worker.objects.exclude(created_in_id=demo_changeset).exists()
    assert not Employment.objects.exclude(created_in_id=demo_changeset).exists()
    assert (
        Change.objects.filter(changeset_id=demo_changeset, model="registry.workunit").count()
        == WorkUnit.objects.count()
    )


def test_an_employer_that_already_has_workers_is_left_alone() -> None:
    employer = add_employer(kabkota("33", "Kabupaten Banjarnegara"), None, "test").employer
    unit = WorkUnit.objects.create(employer=employer, code="SETDA", name="Sekretariat Daerah", kind="sekretariat")
    cs = open_changeset("test", "roster import")
    worker = Worker.objects.create(
        nik="3304014507900001", name="Sri Lestari", birth_date=dt.date(1990, 7, 5), sex="P", created_in=cs
    )
    Employment.objects.create(
        worker=worker,
        employer=employer,
        unit=unit,
        category="thl",
        wage=1_800_000,
        start_date=dt.date(2022, 11, 1),
        created_in=cs,
    )
    out = demo()
    assert "Pemerintah Kabupaten Banjarnegara" in out and "sudah ada" in out
    assert Employment.objects.filter(employer=employer).count() == 1
    assert WorkUnit.objects.filter(employer=employer).count() == 1
    assert workers_of(kabkota("16", "Kabupaten Ogan Komering Ulu Timur")) == 4000


def test_solok_selatan_has_34_opd_and_a_unit_with_perangkat_for_each_nagari() -> None:
    demo()
    code = kabkota("13", "Kabupaten Solok Selatan")
    units = WorkUnit.objects.filter(employer__region_id=code)
    opd = units.exclude(kind="desa")
    assert opd.count() == 34
    assert set(opd.values_list("kind", flat=True)) <= {
        "dinas",
        "badan",
        "sekretariat",
        "kecamatan",
        "rsud",
        "puskesmas",
    }
    assert {
        "Dinas Kesehatan",
        "Badan Kepegawaian dan Pengembangan SDM",
        "Satpol PP dan Damkar",
        "RSUD Solok Selatan",
    } <= set(opd.values_list("name", flat=True))
    nagari = Region.objects.filter(level=Region.Level.DESA, parent__parent_id=code, current=True)
    assert set(units.filter(kind="desa").values_list("name", flat=True)) == {f"Nagari {n.name}" for n in nagari}
    assert 35 <= nagari.count() <= 45
    per_nagari = (
        Employment.objects.filter(unit__in=units.filter(kind="desa"))
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    assert len(per_nagari) == nagari.count() and min(per_nagari) >= 10
    perangkat = Employment.objects.filter(employer__region_id=code, unit__kind="desa")
    assert set(perangkat.values_list("category", flat=True)) == {"perangkat_desa"}
    assert {"Wali Nagari", "Sekretaris Nagari", "Kepala Jorong", "Kaur Keuangan"} <= set(
        perangkat.values_list("job_title", flat=True)
    )
    assert (
        not Employment.objects.filter(employer__region_id=code, category="perangkat_desa")
        .exclude(unit__kind="desa")
        .exists()
    )


def test_sultra_has_the_province_and_its_17_kabkota_at_the_storys_numbers() -> None:
    demo()
    children = set(Region.objects.filter(parent_id="74", current=True).values_list("code", flat=True))
    assert len(children) == 17
    assert set(Employer.objects.filter(region__parent_id="74").values_list("region_id", flat=True)) == children
    assert Employer.objects.get(region_id="74").name == "Pemerintah Provinsi Sulawesi Tenggara"
    assert workers_of("74") == 977
    story = {
        "Kota Kendari": 1135,
        "Kabupaten Bombana": 1285,
        "Kabupaten Konawe": 3301,
        "Kabupaten Konawe Selatan": 202,
        "Kabupaten Kolaka": 295,
        "Kabupaten Kolaka Timur": 236,
    }
    for name, workers in story.items():
        assert workers_of(kabkota("74", name)) == workers, name
    others = children - {kabkota("74", name) for name in story}
    assert len(others) == 11 and all(100 <= workers_of(c) <= 500 for c in others)
    units = dict(WorkUnit.objects.values_list("employer__region_id").annotate(n=Count("id")))
    assert all(10 <= n <= 40 for code, n in units.items() if code != "13.11"), units
    assert workers_of(kabkota("16", "Kabupaten Ogan Komering Ulu Timur")) == 4000
    assert 2000 <= workers_of(kabkota("33", "Kabupaten Banjarnegara")) <= 4000


def test_every_nik_is_valid_and_issued_in_its_employers_region() -> None:
    demo()
    kecamatan = dict(Region.objects.filter(level=Region.Level.KECAMATAN, current=True).values_list("code", "parent_id"))
    rows = list(
        Employment.objects.values_list(
            "worker__nik", "worker__birth_date", "worker__sex", "employer__region_id", "wage", "start_date"
        )
    )
    niks = [r[0] for r in rows]
    assert len(set(niks)) == len(niks)
    results = check_niks(niks, region_codes(), timezone.localdate())
    assert [f.code for r in results for f in r.errors] == []  # codes, not the NIKs
    assert [f.code for r in results for f in r.warnings if f.code.startswith("NIK_REGION")] == []
    for (nik, born, sex, employer, wage, start), result in zip(rows, results, strict=True):
        assert (result.birth_date, result.sex) == (born, sex)
        district = f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"
        if "." in employer:  # a kab/kota: the kecamatan is its own
            assert kecamatan[district] == employer
        else:
            assert district.startswith(employer + ".")
        assert 18 <= (AGE_DAY - born).days // 365.25 <= 60
        assert 1_500_000 <= wage <= 3_500_000 and isinstance(wage, int)
        assert dt.date(2015, 1, 1) <= start <= dt.date(2024, 12, 31)
        assert (start - born).days >= 18 * 365
    assert Worker.objects.filter(phone__startswith="08").count() >= 0.8 * len(rows)


def test_kc_palembang_serves_its_five_kabkota_each_with_a_roster() -> None:
    demo()
    office = BranchOffice.objects.get(code="KC-PLG")
    assert office.name == "KC Palembang"
    territory = set(office.territory.values_list("name", flat=True))
    assert territory == {
        "Kota Palembang",
        "Kabupaten Ogan Ilir",
        "Kabupaten Ogan Komering Ilir",
        "Kabupaten Banyuasin",
        "Kabupaten Musi Banyuasin",
    }
    for region in office.territory.all():
        assert workers_of(region.code) >= 300
    # OKU Timur, with the demo's claims, is KC Baturaja's
    assert list(BranchOffice.objects.get(code="KC-BTA").territory.values_list("code", flat=True)) == ["16.08"]


def test_the_demo_is_the_same_every_time() -> None:
    one, two = plan_demo(), plan_demo()
    assert [p.region.code for p in one.employers] == [p.region.code for p in two.employers]
    for a, b in zip(one.employers, two.employers, strict=True):
        assert a.units == b.units
        assert a.workers.equals(b.workers)
    frame = pl.concat([p.workers for p in one.employers])
    assert frame.get_column("nik").n_unique() == frame.height


def test_the_demo_bills_the_story_agreements_and_shows_arrears() -> None:
    demo()
    sultra = Agreement.objects.get(employer__region_id="74")
    assert sultra.programs == "JKK,JKM"  # seed 002: "dalam dua program"
    october = Invoice.objects.get(employer__region_id="74", period=dt.date(2026, 10, 1))
    assert october.workers == workers_of("74") == 977
    oku = kabkota("16", "Kabupaten Ogan Komering Ulu Timur")
    assert Agreement.objects.get(employer__region_id=oku).programs == "JKK,JKM,JHT,JP,JKP"  # seed 001
    banjarnegara = kabkota("33", "Kabupaten Banjarnegara")
    starts = Membership.objects.filter(employer__region_id=banjarnegara).values_list("valid_from", flat=True)
    assert min(starts) == dt.date(2022, 11, 1)  # seed 003: effective 1 November 2022
    assert Payment.objects.filter(paid_on__gt=F("invoice__due_date")).count() >= 2  # some paid late
    still_open = {s.invoice.employer.region_id for s in arrears(dt.date(2026, 11, 23))}
    assert {"74", oku} <= still_open
    counts = (Invoice.objects.count(), Payment.objects.count(), Membership.objects.count())
    demo()
    assert (Invoice.objects.count(), Payment.objects.count(), Membership.objects.count()) == counts


def coverage_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    call_command("coverage", *args, "--format", "json")
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_the_demo_reproduces_the_storys_coverage_through_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    demo()
    # seed 002, 4 October 2018: 7,431 non-ASN protected in Sulawesi Tenggara, eleven kab/kota with nobody.
    sultra = coverage_json(capsys, "--region", "74", "--on", "2018-10-04")
    assert sultra["enrolled"] == 7431
    enrolled = {c["name"]: c["enrolled"] for c in sultra["children"] if c["enrolled"]}
    assert enrolled == {
        "Pemerintah Provinsi Sulawesi Tenggara": 977,
        "Kota Kendari": 1135,
        "Kabupaten Bombana": 1285,
        "Kabupaten Konawe": 3301,
        "Kabupaten Konawe Selatan": 202,
        "Kabupaten Kolaka": 295,
        "Kabupaten Kolaka Timur": 236,
    }
    nobody = {e["code"] for e in sultra["employers_without_enrolment"]}
    expected = set(Region.objects.filter(parent_id="74", current=True).values_list("code", flat=True))
    expected -= {kabkota("74", name) for name in enrolled if name.startswith(("Kota", "Kabupaten"))}
    assert len(nobody) == 11 and nobody == expected
    # seed 000, 15 July 2019: 11 of 34 OPD and 29 wali nagari had registered their workers in Solok Selatan.
    solsel = coverage_json(capsys, "--region", kabkota("13", "Kabupaten Solok Selatan"), "--on", "2019-07-15")
    assert solsel["units_by_group"]["opd"] == {"units": 34, "enrolled": 11}
    assert solsel["units_by_group"]["desa"]["enrolled"] == 29
    assert len(solsel["units_without_enrolment"]) == solsel["units"] - 40
    # The numbers come from rows: a day earlier than any registration, nobody.
    assert coverage_json(capsys, "--region", "74", "--on", "2017-11-30")["enrolled"] == 0
    # seed 001: OKU Timur proposed about 4,000 non-ASN for the year; seed 003: 10.2% of Banjarnegara's workers.
    oku = kabkota("16", "Kabupaten Ogan Komering Ulu Timur")
    capsys.readouterr()
    call_command("target", "show", "--employer", oku, "--year", "2023", "--format", "json")
    targets = json.loads(capsys.readouterr().out)["targets"]
    assert [(t["code"], t["target"]) for t in targets] == [(oku, 4000)]
    assert 0 < targets[0]["enrolled"] <= workers_of(oku)
    banjarnegara = kabkota("33", "Kabupaten Banjarnegara")
    call_command("regional", "show", "--region", banjarnegara, "--period", "2022-10", "--format", "json")
    periods = json.loads(capsys.readouterr().out)["periods"]
    assert [(p["period"], p["coverage"]) for p in periods] == [("2022-10", 10.2)]
    # Inpres 2/2021: the eleven kab/kota of Sulawesi Tenggara that did nothing come first for follow-up.
    call_command("inpres", "--region", "74", "--on", "2026-11-23", "--format", "json")
    inpres = json.loads(capsys.readouterr().out)
    assert {p["code"] for p in inpres["follow_up"]} == nobody


def test_oku_timur_is_reconciled_with_every_planted_difference_found_once() -> None:
    from lindung.reconcile.models import Finding, SourceFile

    demo()
    counts = dict(Finding.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    # planted in demo/reconcile.py: 3 strangers paid for (bayar tanpa orang); 3 census-only people plus every
    # 400th worker missing from the census (belum didata); every 310th with a second KPJ (ganda)
    assert counts["bayar_tanpa_orang"] == 3
    assert set(counts) == {
        "tidak_terlindungi", "bayar_tanpa_orang", "ganda", "upah_tidak_sesuai", "belum_didata", "identitas_berbeda"
    }  # fmt: skip
    assert SourceFile.objects.filter(employer__region_id="16.08").count() == 2
    before = Finding.objects.count()
    assert "Rekonsiliasi 16.08" not in demo()  # a rerun loads nothing and runs nothing
    assert Finding.objects.count() == before


def test_kc_palembang_has_a_mix_to_work_with_enrolled_partly_enrolled_and_nobody(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """seed 004: KC Palembang asks its five Pemda to register; the demo's officer finds each stage of it."""
    from lindung.documents.pdf import write_certificate
    from lindung.documents.services import issue_employer_certificate
    from lindung.domain.errors import NotFound

    demo()
    branch = coverage_json(capsys, "--branch", "KC-PLG", "--on", "2026-12-04")
    enrolled = {c["name"]: (c["enrolled"], c["workers"]) for c in branch["children"]}
    assert enrolled["Kota Palembang"] == (950, 950)  # everyone, under its 2021 PKS
    assert enrolled["Kabupaten Musi Banyuasin"] == (381, 500)  # its OPD and RSUD, not the kecamatan and puskesmas
    assert enrolled["Kabupaten Ogan Ilir"] == (64, 380)  # its RSUD and puskesmas only
    assert enrolled["Kabupaten Ogan Komering Ilir"][0] == enrolled["Kabupaten Banyuasin"][0] == 0
    assert {e["code"] for e in branch["employers_without_enrolment"]} == {"16.02", "16.07"}
    kinds = set(Membership.objects.filter(employer__region_id="16.06").values_list("employment__unit__kind", flat=True))
    assert kinds == {"sekretariat", "dinas", "badan", "rsud"}
    paid = dict(Payment.objects.values_list("invoice__employer__region_id").annotate(n=Count("id")))
    assert (paid["16.71"], paid["16.06"], paid["16.10"]) == (3, 2, 1)
    assert (
        Invoice.objects.filter(employer__region__in=BranchOffice.objects.get(code="KC-PLG").territory.all()).count()
        == 9
    )
    owing = {s.invoice.employer.region_id for s in arrears(dt.date(2026, 12, 4))}
    assert {"16.06", "16.10"} <= owing and "16.71" not in owing  # Palembang pays on time
    certificate = issue_employer_certificate("16.71", actor="cabang.palembang", branch="KC-PLG")
    assert certificate.content["issuer"]["office"] == "BPJS Ketenagakerjaan Kantor Cabang Palembang"
    assert certificate.content["enrolled"] == 950
    write_certificate(certificate, tmp_path / "sertifikat.pdf")
    with pytest.raises(NotFound, match="belum punya perjanjian"):
        issue_employer_certificate("16.02", actor="cabang.palembang", branch="KC-PLG")
