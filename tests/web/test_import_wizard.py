"""The import wizard: upload, the preview with every problem by row and column, the error workbook, commit,
scoping of jobs, refused uploads, and the large-file path through the real background worker."""

from __future__ import annotations

import io
import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.accounts.scope import scope_of
from lindung.intake import jobs
from lindung.intake.models import ImportJob
from lindung.intake.workbooks import PROBLEM_COLUMN
from lindung.registry.models import Employment, Worker
from tests.integration.factories import HEADER, row, write_csv, write_xlsx
from tests.web.conftest import World

NEW = ["1311014404920005", "1311010101900006"]  # a woman born 4 April 1992, a man born 1 January 1990
BAD_NIK = "1311013102900007"  # 31 February


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploads and the progress cache live in the test's own directory."""
    settings.DATA_DIR = tmp_path / "data"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    return tmp_path / "data"


def upload(client: Client, path: Path, **extra: str) -> Any:
    with path.open("rb") as fh:
        return client.post(reverse("import_start"), {"file": fh, **extra})


def job_of(response: Any) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    job_id = response["Location"].rstrip("/").split("/")[-1]
    return ImportJob.objects.get(pk=job_id)


def mistakes(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "dinkes.csv",
        [
            row(NEW[0], "Rina Marlina"),
            row(BAD_NIK, "Joko Susilo"),
            row(NEW[1], "Agus Salim", wage="dua juta"),
        ],
    )


def test_an_upload_with_mistakes_shows_every_problem_by_row_and_column(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    job = job_of(upload(personas["clerk"], mistakes(tmp_path)))
    assert (job.status, job.unit, job.rows, job.new, job.rejected) == ("checked", world.dinkes, 3, 1, 2)
    page = personas["clerk"].get(reverse("import_job", args=[job.pk])).content.decode()
    problems = {(i["row"], i["column"]) for i in job.issues if i["severity"] == "error"}
    assert problems == {(3, "NIK"), (4, "Gaji")}
    # each problem row says whose it is; a row without problems is not shown
    assert '3<span class="row-name">Joko Susilo</span>' in page and '4<span class="row-name">Agus Salim</span>' in page
    assert "Rina Marlina" not in page
    assert BAD_NIK in page and "dua juta" in page
    assert '<td class="cell bad">dua juta</td>' in page
    assert "Simpan baris yang benar saja" in page and "hx-confirm" in page
    assert 'name="mode" value="commit"' not in page  # all-or-nothing cannot succeed with rejected rows
    assert Worker.objects.filter(nik=NEW[0]).count() == 0  # a check writes nothing


def test_a_very_long_cell_is_cut_in_the_preview_and_the_name_stays_short(
    personas: dict[str, Client], tmp_path: Path
) -> None:
    long_title = "Pengelola " * 500  # 5,000 characters in one cell
    path = write_csv(tmp_path / "panjang.csv", [row(NEW[0], "Rina Marlina " * 20, job=long_title)])
    job = job_of(upload(personas["clerk"], path))
    page = personas["clerk"].get(reverse("import_job", args=[job.pk])).content.decode()
    long_issue = next(i for i in job.issues if i["row"] == 2 and len(i["value"] or "") > 120)
    assert 0 < len(long_issue["name"]) <= 80
    assert long_title.strip() not in page  # cut to 120 characters with an ellipsis, its length in the title
    assert f'title="{len(long_issue["value"]):,} karakter"'.replace(",", ".") in page and "…</td>" in page


def test_the_error_workbook_marks_the_rejected_rows(personas: dict[str, Client], tmp_path: Path) -> None:
    job = job_of(upload(personas["clerk"], mistakes(tmp_path)))
    response = personas["clerk"].get(reverse("import_errors", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kesalahan-dinkes.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Daftar Pekerja"].iter_rows(values_only=True))
    assert rows[0][-1] == PROBLEM_COLUMN
    by_nik = {r[0]: r[-1] for r in rows[1:]}
    assert by_nik[NEW[0]] is None
    assert "NIK" in by_nik[BAD_NIK] and "Gaji" in by_nik[NEW[1]]


def test_committing_a_clean_upload_creates_the_workers(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "dinkes.xlsx", [row(NEW[0], "Rina Marlina"), row(NEW[1], "Agus Salim")])
    clerk = personas["clerk"]
    job = job_of(upload(clerk, path))
    assert job.status == "checked" and job.rejected == 0
    page = clerk.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'name="mode" value="commit"' in page
    response = clerk.post(reverse("import_commit", args=[job.pk]), {"mode": "commit"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.new, job.changeset_id is not None) == ("committed", 2, True)
    rina = Worker.objects.get(nik=NEW[0])
    assert rina.employments.get().unit == world.dinkes
    assert "Tersimpan" in clerk.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "Rina Marlina" in clerk.get(reverse("roster")).content.decode()
    again = clerk.post(reverse("import_commit", args=[job.pk]), {"mode": "commit"})
    assert again.status_code == 409  # saved once


def test_a_partial_commit_over_htmx_keeps_only_the_valid_rows(personas: dict[str, Client], tmp_path: Path) -> None:
    clerk = personas["clerk"]
    job = job_of(upload(clerk, mistakes(tmp_path)))
    response = clerk.post(reverse("import_commit", args=[job.pk]), {"mode": "partial"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("import_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "committed" and job.mode == "partial"
    assert set(Worker.objects.filter(nik__in=[*NEW, BAD_NIK]).values_list("nik", flat=True)) == {NEW[0]}


def test_a_clerks_import_is_always_for_their_own_unit(personas: dict[str, Client], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "satpol.csv", [row(NEW[0], "Rina Marlina", unit="SATPOLPP")])
    job = job_of(upload(personas["clerk"], path))
    assert job.unit is not None and job.unit.code == "DINKES"
    assert job.rejected == 1 and job.issues[0]["code"] == "UNIT_FIXED"
    for other in ({"unit": "SATPOLPP"}, {"employer": "13.02"}):  # another unit or Pemda, named: not theirs
        assert upload(personas["clerk"], path, **other).status_code == 404
    assert ImportJob.objects.count() == 1


def test_an_admin_may_import_for_one_unit_or_the_whole_pemda(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "all.csv", [row(NEW[0], "Rina Marlina", unit="NGR-PT")])
    whole = job_of(upload(personas["admin"], path))
    assert (whole.employer, whole.unit, whole.rejected) == (world.solsel, None, 0)
    one = job_of(upload(personas["admin"], path, unit="SATPOLPP"))
    assert one.unit == world.satpol and one.rejected == 1
    page = personas["admin"].get(reverse("import_start")).content.decode()
    assert 'for="f-unit"' in page and "SATPOLPP" in page


def test_another_units_clerk_and_another_pemda_cannot_see_a_job(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    job = job_of(upload(personas["clerk"], mistakes(tmp_path)))
    for name in ("other_clerk", "other_admin"):
        client = personas[name]
        assert client.get(reverse("import_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("import_errors", args=[job.pk])).status_code == 404
        assert client.get(reverse("import_status", args=[job.pk])).status_code == 404
        assert client.post(reverse("import_commit", args=[job.pk]), {"mode": "partial"}).status_code == 404
        assert "dinkes.csv" not in client.get(reverse("import_start")).content.decode()
    for name in ("branch", "monitor"):
        assert personas[name].get(reverse("import_job", args=[job.pk])).status_code == 403
    assert personas["admin"].get(reverse("import_job", args=[job.pk])).status_code == 200
    assert "dinkes.csv" in personas["clerk"].get(reverse("import_start")).content.decode()
    job.refresh_from_db()
    assert job.status == "checked"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("daftar.txt", b"NIK;Nama\n", "bukan .csv atau .xlsx"),
        ("kosong.csv", b"", "kosong"),
        ("besar.csv", b"x" * 2048, "terlalu besar"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(
    personas: dict[str, Client], monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, message: str
) -> None:
    monkeypatch.setattr(jobs, "MAX_UPLOAD", 1024)  # stands for 50 MB
    response = personas["clerk"].post(reverse("import_start"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_without_a_file_is_refused(personas: dict[str, Client]) -> None:
    response = personas["clerk"].post(reverse("import_start"), {})
    assert response.status_code == 400 and "Pilih berkas" in response.content.decode()
    assert 'for="f-file"' in response.content.decode()


def test_an_unreadable_file_fails_with_its_reason_and_changes_nothing(
    personas: dict[str, Client], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "tanpa-nik.csv", [["Siti"]], header=["Nama"])
    job = job_of(upload(personas["clerk"], path))
    assert job.status == "failed" and job.message
    page = personas["clerk"].get(reverse("import_job", args=[job.pk])).content.decode()
    assert "tidak ada data yang diubah" in page and job.message in page


HOSTILE_UPLOADS = [
    # (file name, bytes, what the job page says)
    ("utf16.csv", "\r\n".join(";".join(r) for r in [HEADER, row(NEW[0], "Rina Marlina")]).encode("utf-16"), ""),
    ("sjis.csv", ";".join([*HEADER, "Catatan、"]).encode("shift_jis") + b"\n", "pengodean teksnya tidak dikenali"),
    ("biner.csv", b"NIK;Nama\x00\x01\n", "bukan teks"),
    ("rusak.xlsx", b"PK\x03\x04" + b"\x00" * 100, "bukan berkas Excel (.xlsx) yang dapat dibuka"),
]


@pytest.mark.parametrize(("name", "content", "words"), HOSTILE_UPLOADS)
def test_hostile_uploads_answer_with_a_page_never_a_500(
    personas: dict[str, Client], name: str, content: bytes, words: str
) -> None:
    client = personas["clerk"]
    job = job_of(client.post(reverse("import_start"), {"file": SimpleUploadedFile(name, content)}))
    job.refresh_from_db()
    page = client.get(reverse("import_job", args=[job.pk]))
    assert page.status_code == 200
    if words:
        assert job.status == "failed" and words in page.content.decode()
    else:  # read, checked and ready to save
        assert (job.status, job.rows, job.new, job.rejected) == ("checked", 1, 1, 0), job.message
    assert "Traceback" not in page.content.decode() and "calamine" not in page.content.decode()
    assert Worker.objects.filter(name="Rina Marlina").count() == 0  # checked, never saved by an upload alone


def test_the_job_runner_can_be_called_directly(world: World, personas: dict[str, Client], tmp_path: Path) -> None:
    path = mistakes(tmp_path)
    data = path.read_bytes()
    job = jobs.start_job(scope_of(world.users["clerk"]), [data], "dinkes.csv", len(data), None, None)
    assert jobs.upload_path(job).read_bytes() == data
    checked = jobs.run_job(str(job.pk), "dry", "clerk")
    assert (checked.status, checked.rejected, checked.issue_count) == ("checked", 2, len(checked.issues))
    done = jobs.run_job(str(job.pk), "partial", "clerk")
    assert done.status == "committed" and Worker.objects.filter(nik=NEW[0]).exists()


def test_a_job_whose_process_stopped_is_told_so_and_can_be_saved_again(
    world: World, personas: dict[str, Client], tmp_path: Path
) -> None:
    path = mistakes(tmp_path)
    data = path.read_bytes()
    job = jobs.start_job(scope_of(world.users["clerk"]), [data], "dinkes.csv", len(data), None, None)
    jobs.run_job(str(job.pk), "dry", "clerk")
    gone = subprocess.Popen(["true"])
    gone.wait()
    here = socket.gethostname()
    clerk = personas["clerk"]
    # Still writing, in a live process (this one): the page waits.
    ImportJob.objects.filter(pk=job.pk).update(status="committing", runner=f"{here}:{os.getpid()}")
    assert "<progress" in clerk.get(reverse("import_job", args=[job.pk])).content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == "committing"
    # Its process is gone (killed in the middle of the write, so the registry is as it was): save again.
    ImportJob.objects.filter(pk=job.pk).update(runner=f"{here}:{gone.pid}")
    page = clerk.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "Penyimpanan terhenti" in page and ImportJob.objects.get(pk=job.pk).status == "checked"
    assert not Worker.objects.filter(nik=NEW[0]).exists()
    assert clerk.post(reverse("import_commit", args=[job.pk]), {"mode": "partial"}).status_code == 302
    assert ImportJob.objects.get(pk=job.pk).status == "committed" and Worker.objects.filter(nik=NEW[0]).exists()
    # A check whose process stopped fails with what to do; on another machine, after long silence.
    other = jobs.start_job(scope_of(world.users["clerk"]), [data], "dinkes.csv", len(data), None, None)
    ImportJob.objects.filter(pk=other.pk).update(status="checking", runner="other-host:1")
    assert jobs.recover(ImportJob.objects.get(pk=other.pk)).status == "checking"
    ImportJob.objects.filter(pk=other.pk).update(updated_at=timezone.now() - jobs.STALE_AFTER * 2)
    failed = jobs.recover(ImportJob.objects.get(pk=other.pk))
    assert failed.status == "failed" and "unggah berkasnya lagi" in failed.message


def test_the_progress_fragment_reads_the_shared_cache(world: World, personas: dict[str, Client]) -> None:
    job = jobs.start_job(scope_of(world.users["clerk"]), [b"NIK\n1\n"], "a.csv", 6, None, None)
    jobs._Reporter(job.pk)("periksa", 1200, 4800)
    part = personas["clerk"].get(reverse("import_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'value="25"' in part and "1.200 / 4.800" in part
    assert 'hx-trigger="every 1s"' in part
    ImportJob.objects.filter(pk=job.pk).update(status="checked")
    done = personas["clerk"].get(reverse("import_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"  # the page reloads and shows the outcome


def run_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run `db_worker` until the queue is empty. The worker recycles old connections between tasks; inside
    the test's transaction that would close the connection holding the test data, so that step is skipped."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.slow
def test_a_large_file_is_checked_and_committed_by_the_background_worker(
    world: World, personas: dict[str, Client], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [row(f"131101120386{i + 10:04d}", "Pekerja Harian", job=f"Petugas kebersihan {i}") for i in range(3500)]
    path = write_csv(tmp_path / "besar.csv", rows)
    assert path.stat().st_size > jobs.INLINE_LIMIT
    clerk = personas["clerk"]
    job = job_of(upload(clerk, path))
    assert job.status == "queued"  # not checked within the request
    page = clerk.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    run_worker(monkeypatch)
    job.refresh_from_db()
    assert (job.status, job.rows, job.new, job.rejected) == ("checked", 3500, 3500, 0)
    assert clerk.post(reverse("import_commit", args=[job.pk]), {"mode": "commit"}).status_code == 302
    job.refresh_from_db()
    assert job.status == "queued" and not Worker.objects.filter(nik="1311011203860010").exists()
    run_worker(monkeypatch)
    job.refresh_from_db()
    assert job.status == "committed", job.message
    assert Employment.objects.filter(unit=world.dinkes, worker__nik__startswith="131101120386").count() == 3500


def test_the_preview_lists_active_workers_missing_from_the_file_with_nik_masked(
    personas: dict[str, Client], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "dinkes.csv", [row("1311011203850001", "Siti Rahma", job="Cleaning service")])
    job = job_of(upload(personas["clerk"], path))
    page = personas["clerk"].get(reverse("import_job", args=[job.pk])).content.decode()
    assert "1 pekerja aktif di unit ini tidak ada di berkas. Apakah mereka sudah keluar?" in page
    assert "Dewi Kartika" in page and "1311********0002" in page
    assert "1311015507900002" not in page


def test_a_file_of_new_hires_asks_nothing_about_exits(personas: dict[str, Client], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "baru.csv", [row("1311011203860099", "Rudi Pegawai Baru", job="Sopir")])
    job = job_of(upload(personas["clerk"], path))
    assert job.status == "checked" and job.new == 1
    page = personas["clerk"].get(reverse("import_job", args=[job.pk])).content.decode()
    assert "Apakah mereka sudah keluar" not in page and "Dewi Kartika" not in page


def test_the_badge_says_nothing_can_be_saved_while_rows_are_rejected(
    personas: dict[str, Client], tmp_path: Path
) -> None:
    rows = [row("1311011203860098", "Rudi Baru"), row("1311011203860097", "Rina Baru", wage="dua juta")]
    job = job_of(upload(personas["clerk"], write_csv(tmp_path / "campur.csv", rows)))
    assert (job.status, job.rejected) == ("checked", 1)
    page = personas["clerk"].get(reverse("import_job", args=[job.pk])).content.decode()
    assert '<span class="badge bad">Belum dapat disimpan: 1 baris ditolak</span>' in page
    assert ">Siap disimpan<" not in page
    listing = personas["clerk"].get(reverse("import_start")).content.decode()
    assert "Belum dapat disimpan: 1 baris ditolak" in listing


def test_the_template_lists_the_units_of_the_users_pemda(personas: dict[str, Client]) -> None:
    response = personas["admin"].get(reverse("import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Daftar Pekerja"
    codes = {r[2] for r in book["Pilihan"].iter_rows(min_row=2, values_only=True)}
    assert {"DINKES", "SATPOLPP", "NGR-PT"} <= codes and "DISDIK" not in codes


def test_a_clerks_template_offers_only_their_unit_and_an_example_of_their_own_pemda(
    personas: dict[str, Client],
) -> None:
    response = personas["other_clerk"].get(reverse("import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [r[2] for r in book["Pilihan"].iter_rows(min_row=2, values_only=True) if r[2]]
    assert codes == ["SATPOLPP"]
    sheet = book["Daftar Pekerja"]
    headers = [c.value.rstrip(" *") for c in sheet[1]]
    example = dict(zip(headers, (c.value for c in sheet[2]), strict=False))
    assert example["Kode Unit"] == "SATPOLPP"
    assert str(example["NIK"]).startswith("1311") and len(str(example["NIK"])) == 16
    assert str(example["Kode Wilayah Domisili"]).startswith("13.11.")
