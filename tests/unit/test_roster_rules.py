"""The roster's rules of domain/roster.py, row by row, on small frames: no database, the employer's units and
the registry's state are given as frames."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from lindung.domain.messages import render
from lindung.domain.nik import RegionCodes
from lindung.domain.roster import (
    EXISTING_SCHEMA,
    FIELDS,
    MAX_LENGTHS,
    TEXT_COLUMNS,
    UNITS_SCHEMA,
    RosterContext,
    attach_existing,
    classify,
    prepare,
    registry_rules,
    row_rules,
)
from lindung.domain.sheets import find_issues

TODAY = dt.date(2026, 11, 23)
SITI = "1311015507900001"  # 13.11.01, a woman born 15 July 1990
BUDI = "1311011203850002"  # 13.11.01, a man born 12 March 1985
REGIONS = RegionCodes.of(["13"], ["13.11", "13.11.01"], {})
UNITS = pl.DataFrame(
    [(1, "DINKES", "Dinas Kesehatan"), (2, "SATPOLPP", "Satuan Polisi Pamong Praja"), (3, "NGR-PT", "Nagari Pakan")],
    schema=UNITS_SCHEMA,
    orient="row",
)
FLOOR = 3_000_000
CLEAN = {
    "nik": SITI,
    "nama": "Siti Aminah",
    "unit": "DINKES",
    "kategori": "THL",
    "upah": "3.500.000",
    "tmt": "02/01/2024",
}


def context(fixed_unit: str | None = None) -> RosterContext:
    return RosterContext(TODAY, REGIONS, UNITS, fixed_unit, FLOOR, "Rp3.000.000", frozenset({"13.11.01.2001"}))


def sheet(*rows: dict[str, str | None], numeric: frozenset[int] = frozenset()) -> pl.DataFrame:
    """A frame as the reader hands it over: `row` (the sheet's row, 2 for the first below the header), one
    String column per field, and `_nik_numeric` (the NIK cell was an Excel number)."""
    numbers = list(range(2, len(rows) + 2))
    columns: dict[str, Any] = {"row": numbers}
    columns |= {f.name: [r.get(f.name) for r in rows] for f in FIELDS}
    columns["_nik_numeric"] = [n in numeric for n in numbers]
    schema = {"row": pl.Int64, **{f.name: pl.String for f in FIELDS}, "_nik_numeric": pl.Boolean}
    return pl.DataFrame(columns, schema=schema)


def row_issues(
    *rows: dict[str, str | None], fixed_unit: str | None = None, numeric: frozenset[int] = frozenset()
) -> pl.DataFrame:
    ctx = context(fixed_unit)
    prepared = prepare(sheet(*rows, numeric=numeric), ctx)
    return find_issues(prepared, row_rules(ctx), {f.name: TEXT_COLUMNS.get(f.name, f.name) for f in FIELDS})


def found(changes: dict[str, str | None], fixed_unit: str | None = None) -> set[tuple[str, str, str]]:
    """(column, code, severity) of every issue of one clean row with `changes`."""
    issues = row_issues({**CLEAN, **changes}, fixed_unit=fixed_unit)
    return {(r["column"], r["code"], r["severity"]) for r in issues.iter_rows(named=True)}


def message(changes: dict[str, str | None], code: str, fixed_unit: str | None = None) -> str:
    """The Indonesian message of the one issue `code` of a clean row with `changes`, as the import shows it."""
    issues = row_issues({**CLEAN, **changes}, fixed_unit=fixed_unit).filter(pl.col("code") == code)
    [(value, detail)] = issues.select("value", "detail").iter_rows()
    return render(code, "id", value=value, detail=detail)


def test_a_clean_row_breaks_no_rule() -> None:
    assert found({}) == set()
    assert found({"tanggal_lahir": "15/07/1990", "jenis_kelamin": "P", "no_hp": "0812-3456-7890"}) == set()


@pytest.mark.parametrize("field", [f.name for f in FIELDS if f.required])
def test_every_required_field_left_empty_is_required(field: str) -> None:
    assert found({field: None}) == {(field, "REQUIRED", "error")}
    assert found({field: "   "}) == {(field, "REQUIRED", "error")}  # blanks are empty


def test_the_optional_fields_may_be_left_empty() -> None:
    optional = {f.name: None for f in FIELDS if not f.required}
    assert found(optional) == set()


# (case, changes to a clean row, the issues expected: (column, code, severity))
CASES = [
    ("a NIK of 14 digits", {"nik": "13110155079000"}, {("nik", "NIK_FORMAT", "error")}),
    ("a NIK in scientific notation", {"nik": "1.31101550790000E+15"}, {("nik", "NIK_EXCEL_SCIENTIFIC", "error")}),
    ("a NIK of an unknown province", {"nik": "9901015507900001"}, {("nik", "NIK_PROVINCE", "error")}),
    ("a NIK with serial 0000", {"nik": "1311015507900000"}, {("nik", "NIK_SERIAL", "error")}),
    ("a NIK born on 31 February", {"nik": "1311017102900001"}, {("nik", "NIK_DATE", "error")}),
    ("a NIK of an unknown kecamatan", {"nik": "1311995507900001"}, {("nik", "NIK_REGION_UNKNOWN", "warning")}),
    (
        "a NIK of a child: too young, and the start is before 15",
        {"nik": "1311011507150001"},
        {("nik", "NIK_AGE", "warning"), ("tmt", "START_BEFORE_15", "error")},
    ),
    ("a formula in the name", {"nama": "+Siti Aminah"}, {("nama", "TEXT_FORMULA", "error")}),
    ("a formula after a tab in the job title", {"jabatan": "\t=1+1"}, {("jabatan", "TEXT_FORMULA", "error")}),
    (
        "markup in the name",
        {"nama": "Siti <b>Aminah"},
        {("nama", "NAME_MARKUP", "error"), ("nama", "NAME_INVALID", "warning")},
    ),
    ("digits in the name", {"nama": "Siti Aminah 2"}, {("nama", "NAME_INVALID", "warning")}),
    ("a birth date that is no date", {"tanggal_lahir": "31/02/1990"}, {("tanggal_lahir", "DATE_INVALID", "error")}),
    (
        "a birth date the NIK contradicts",
        {"tanggal_lahir": "16/07/1990"},
        {("tanggal_lahir", "BIRTH_DATE_MISMATCH", "error")},
    ),
    ("a sex that is neither L nor P", {"jenis_kelamin": "X"}, {("jenis_kelamin", "SEX_INVALID", "error")}),
    ("a man's sex for a woman's NIK", {"jenis_kelamin": "L"}, {("jenis_kelamin", "SEX_MISMATCH", "error")}),
    ("a phone that is no mobile number", {"no_hp": "12345"}, {("no_hp", "PHONE_INVALID", "warning")}),
    ("a unit the employer does not have", {"unit": "BAPPEDA"}, {("unit", "UNIT_UNKNOWN", "error")}),
    ("a category nobody uses", {"kategori": "pegawai tetap"}, {("kategori", "CATEGORY_UNKNOWN", "error")}),
    ("a negative wage", {"upah": "-2.500.000"}, {("upah", "WAGE_NOT_POSITIVE", "error")}),
    ("a wage of zero", {"upah": "0"}, {("upah", "WAGE_NOT_POSITIVE", "error")}),
    ("a wage in words", {"upah": "dua juta"}, {("upah", "WAGE_INVALID", "error")}),
    ("a wage with sen", {"upah": "3.500.000,50"}, {("upah", "WAGE_FRACTION", "error")}),
    ("a wage below the floor", {"upah": "2.999.999"}, {("upah", "WAGE_BELOW_FLOOR", "warning")}),
    ("a start date that is no date", {"tmt": "kemarin"}, {("tmt", "DATE_INVALID", "error")}),
    ("a start a month ahead", {"tmt": "23/12/2026"}, {("tmt", "START_FUTURE", "warning")}),
    ("a start more than a year ahead", {"tmt": "01/01/2028"}, {("tmt", "START_TOO_FAR", "error")}),
    ("an end date that is no date", {"tanggal_selesai": "31/13/2025"}, {("tanggal_selesai", "DATE_INVALID", "error")}),
    ("an end before the start", {"tanggal_selesai": "01/01/2024"}, {("tanggal_selesai", "END_BEFORE_START", "error")}),
    ("a domicile that is no region", {"domisili": "99.99"}, {("domisili", "DOMICILE_UNKNOWN", "warning")}),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_row_rule_reports_its_own_code(changes: dict[str, str], expected: set[tuple[str, str, str]]) -> None:
    assert found(changes) == expected


@pytest.mark.parametrize(
    ("changes", "kept"),
    [
        ({"upah": "3.000.000"}, "the floor itself"),
        ({"upah": "Rp 3.500.000,00"}, "zero sen"),
        ({"tmt": "23/11/2026"}, "a start today"),
        ({"tanggal_selesai": "02/01/2024"}, "an end on the start day"),
        ({"nik": "1311.0155 0790-0001"}, "a NIK with separators"),
        ({"nama": "Siti - Aminah"}, "a dash inside a name"),
        ({"no_hp": "+62 812 3456 7890"}, "a phone in international form"),
    ],
)
def test_the_edges_of_the_rules_are_allowed(changes: dict[str, str], kept: str) -> None:
    assert found(changes) == set(), kept


def test_a_nik_excel_kept_as_a_number_is_refused_even_when_its_digits_are_right() -> None:
    issues = row_issues(CLEAN, {**CLEAN, "nik": BUDI}, numeric=frozenset({3}))
    assert [(r["row"], r["code"]) for r in issues.iter_rows(named=True)] == [(3, "NIK_EXCEL_NUMBER")]


def test_a_nik_twice_in_the_file_is_refused_on_the_later_rows_naming_the_first() -> None:
    issues = row_issues(CLEAN, {**CLEAN, "nik": BUDI}, {**CLEAN, "nik": "1311.0155.0790.0001"}, CLEAN)
    duplicates = issues.filter(pl.col("code") == "DUPLICATE_NIK")
    assert duplicates.select("row", "detail").rows() == [(4, "2"), (5, "2")]
    assert render("DUPLICATE_NIK", detail="2") == "NIK yang sama sudah ada di baris 2 berkas ini."


def test_text_longer_than_the_registry_keeps_is_refused_with_the_limit() -> None:
    for field, limit in MAX_LENGTHS.items():
        assert found({field: "a" * limit}) == set()
        assert found({field: "a" * (limit + 1)}) == {(field, "TOO_LONG", "error")}
    assert message({"nama": "a" * 201}, "TOO_LONG") == "Isian terlalu panjang (paling banyak 200 huruf)."


def test_the_messages_name_what_the_nik_says_and_the_wage_floor() -> None:
    assert message({"tanggal_lahir": "16/07/1990"}, "BIRTH_DATE_MISMATCH") == (
        "Tanggal lahir 16/07/1990 berbeda dengan tanggal lahir pada NIK (15/07/1990)."
    )
    assert message({"jenis_kelamin": "L"}, "SEX_MISMATCH") == "Jenis kelamin L berbeda dengan NIK (P)."
    assert message({"upah": "2.000.000"}, "WAGE_BELOW_FLOOR").startswith("Upah di bawah batas Rp3.000.000;")
    assert message({"nama": "=1+1"}, "TEXT_FORMULA").count('"="') == 1
    assert message({"nama": "Siti <script>x"}, "NAME_MARKUP").count("<script>") == 1
    category = message({"kategori": "pegawai tetap"}, "CATEGORY_UNKNOWN")
    assert category.startswith('Kategori "pegawai tetap" tidak dikenal; pilih salah satu: Honorer, ')
    assert "Tenaga Harian Lepas (THL)" in category


def test_a_unit_is_found_by_its_code_in_any_case_or_by_its_name() -> None:
    rows = [{**CLEAN, "unit": unit} for unit in ("dinkes", "Satuan Polisi Pamong Praja", "ngr-pt", "Dinas")]
    prepared = prepare(sheet(*rows), context())
    assert prepared.select("unit_id", "unit_code").rows() == [
        (1, "DINKES"),
        (2, "SATPOLPP"),
        (3, "NGR-PT"),
        (None, None),
    ]


def test_a_unit_shared_by_two_units_names_neither() -> None:
    units = pl.concat([UNITS, pl.DataFrame([(4, "DINKES2", "Dinas Kesehatan")], schema=UNITS_SCHEMA, orient="row")])
    ctx = RosterContext(TODAY, REGIONS, units, None, FLOOR, "Rp3.000.000", frozenset())
    prepared = prepare(sheet({**CLEAN, "unit": "Dinas Kesehatan"}), ctx)
    assert prepared.get_column("unit_id").to_list() == [None]


def test_a_unit_given_for_the_whole_import_fills_the_column_and_refuses_another_unit() -> None:
    assert found({"unit": None}, fixed_unit="DINKES") == set()
    assert found({"unit": "SATPOLPP"}, fixed_unit="DINKES") == {("unit", "UNIT_FIXED", "error")}
    assert message({"unit": "SATPOLPP"}, "UNIT_FIXED", fixed_unit="DINKES") == (
        'Baris ini untuk unit "SATPOLPP", padahal impor ini hanya untuk unit DINKES.'
    )


def test_prepare_reads_what_people_write_into_typed_values() -> None:
    written = {
        **CLEAN,
        "nama": "  Siti   Aminah ",
        "kategori": "Tenaga Harian Lepas",
        "upah": "Rp 3.500.000,-",
        "tmt": "2 Januari 2024",
        "jenis_kelamin": "Perempuan",
        "no_hp": "+62 812-3456-7890",
        "domisili": "13.11.01.2001",
        "mutasi": "Ya",
    }
    [row] = (
        prepare(sheet(written), context())
        .select("nik", "name", "category", "wage", "start_date", "stated_sex", "phone", "domicile_id", "transfer")
        .rows()
    )
    assert row == (
        SITI,
        "Siti Aminah",
        "thl",
        3_500_000,
        dt.date(2024, 1, 2),
        "P",
        "081234567890",
        "13.11.01.2001",
        True,
    )


# --- against the registry ------------------------------------------------------------------------------


def existing(**values: Any) -> pl.DataFrame:
    """The registry's state of one NIK (EXISTING_SCHEMA); Siti, employed at DINKES since 2 January 2024."""
    recorded: dict[str, Any] = {k: None for k in EXISTING_SCHEMA}
    recorded |= {
        "nik": SITI,
        "worker_id": 10,
        "w_name": "Siti Aminah",
        "w_birth_date": dt.date(1990, 7, 15),
        "w_sex": "P",
        "w_phone": "081234567890",
        "emp_id": 20,
        "emp_unit_id": 1,
        "emp_unit_code": "DINKES",
        "emp_category": "thl",
        "emp_wage": 3_500_000,
        "emp_start_date": dt.date(2024, 1, 2),
    }
    return pl.DataFrame([recorded | values], schema=EXISTING_SCHEMA)


def against(state: pl.DataFrame, *rows: dict[str, str | None]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The registry issues and the classified rows (of those without errors) of rows judged against `state`."""
    ctx = context()
    prepared = attach_existing(prepare(sheet(*rows), ctx), state)
    columns = {"unit": "unit", "tmt": "tmt", "tanggal_selesai": "tanggal_selesai"}
    issues = pl.concat([find_issues(prepared, row_rules(ctx), {}), find_issues(prepared, registry_rules(), columns)])
    rejected = issues.filter(pl.col("severity") == "error").get_column("row").implode()
    return issues, classify(prepared.filter(~pl.col("row").is_in(rejected)))


def codes(issues: pl.DataFrame) -> list[tuple[str, str | None]]:
    return issues.select("code", "detail").rows()


def test_a_worker_active_in_another_unit_needs_the_transfer_mark() -> None:
    issues, valid = against(existing(emp_unit_id=2, emp_unit_code="SATPOLPP"), CLEAN)
    assert codes(issues) == [("OTHER_UNIT", "SATPOLPP")] and valid.height == 0


def test_a_worker_whose_job_in_another_unit_ended_may_start_here() -> None:
    state = existing(emp_unit_id=2, emp_unit_code="SATPOLPP", emp_end_date=dt.date(2023, 12, 31))
    issues, valid = against(state, CLEAN)
    assert codes(issues) == []
    assert valid.select("outcome", "new_worker", "new_employment", "ends_previous").rows() == [
        ("new", False, True, False)
    ]


def test_a_transfer_ends_the_old_job_and_may_not_start_before_it() -> None:
    state = existing(emp_unit_id=2, emp_unit_code="SATPOLPP")
    issues, valid = against(state, {**CLEAN, "mutasi": "Ya", "tmt": "01/07/2025"})
    assert codes(issues) == []
    assert valid.select("outcome", "new_employment", "ends_previous").rows() == [("changed", True, True)]
    early, valid = against(state, {**CLEAN, "mutasi": "Ya", "tmt": "02/01/2024"})
    assert codes(early) == [("TRANSFER_BEFORE_START", "02/01/2024")] and valid.height == 0


def test_a_period_that_ended_before_the_recorded_job_is_refused() -> None:
    issues, _ = against(existing(), {**CLEAN, "tmt": "01/01/2019", "tanggal_selesai": "31/12/2021"})
    assert codes(issues) == [("PAST_PERIOD", "02/01/2024")]


def test_rows_are_new_unchanged_or_changed_against_the_registry() -> None:
    rows = (
        CLEAN,
        {**CLEAN, "nik": BUDI, "nama": "Budi Santoso"},
    )
    _, valid = against(existing(), *rows)
    assert valid.select("nik", "outcome", "new_worker").rows() == [(SITI, "unchanged", False), (BUDI, "new", True)]
    _, raised = against(existing(), {**CLEAN, "upah": "3.750.000"})
    assert raised.select("outcome", "employment_changed", "worker_changed").rows() == [("changed", True, False)]
    _, renamed = against(existing(), {**CLEAN, "nama": "Siti Aminah Putri"})
    assert renamed.select("outcome", "employment_changed", "worker_changed").rows() == [("changed", False, True)]


def test_an_empty_optional_cell_never_erases_what_is_recorded() -> None:
    _, valid = against(existing(emp_job_title="Perawat", emp_sk_number="SK-1"), {**CLEAN, "no_hp": None})
    assert valid.get_column("outcome").to_list() == ["unchanged"]


def test_a_worker_back_after_the_job_here_ended_gets_a_new_employment() -> None:
    _, valid = against(existing(emp_end_date=dt.date(2024, 12, 31)), {**CLEAN, "tmt": "01/03/2025"})
    assert valid.select("outcome", "new_employment", "employment_changed").rows() == [("new", True, False)]
