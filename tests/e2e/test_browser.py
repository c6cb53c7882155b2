"""What each role does in the browser, end to end, on the demo (see conftest.py for the server)."""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, expect
from pypdf import PdfReader

from lindung.demo.users import DEMO_PASSWORD
from tests.e2e.conftest import screenshot

HEADER = ["NIK", "Nama Lengkap", "L/P", "Kode Unit", "Kategori", "Jabatan", "Gaji", "TMT"]
OpenAs = Callable[..., Page]


def roster_file(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def watch_csp(page: Page) -> list[str]:
    """Collect the browser's Content-Security-Policy complaints (there must be none)."""
    seen: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", listen)
    return seen


def test_a_clerk_fixes_a_roster_with_mistakes_commits_it_and_finds_the_workers(open_as: OpenAs, tmp_path: Path) -> None:
    page = open_as("opd.okutimur.dlh")
    csp = watch_csp(page)
    good = ["1608011203859901", "Rahmat Hidayat Uji", "L", "DLH", "THL", "Penyapu jalan", "2500000", "02/01/2026"]
    second = ["1608015507929902", "Sri Wahyuni Uji", "P", "DLH", "THL", "Penjaga malam", "2500000", "02/01/2026"]
    broken = [*second[:1], "Sri Wahyuni Uji", "P", "DLH", "THL", "Penjaga malam", "dua juta", "02/01/2026"]
    short_nik = ["16080112038599", *good[1:]]

    page.goto("/impor/")
    page.get_by_label("Berkas daftar pekerja (.xlsx atau .csv)").set_input_files(
        str(roster_file(tmp_path / "dlh.csv", [short_nik, broken]))
    )
    page.get_by_role("button", name="Unggah dan periksa").click()
    problems = page.locator("table[aria-labelledby=masalah]")
    expect(problems).to_be_visible()
    expect(problems).to_contain_text("NIK")
    expect(problems).to_contain_text("dua juta")
    expect(page.get_by_role("link", name="Unduh berkas kesalahan (.xlsx)")).to_be_visible()
    screenshot(page, "impor-kesalahan")

    page.goto("/impor/")
    page.get_by_label("Berkas daftar pekerja (.xlsx atau .csv)").set_input_files(
        str(roster_file(tmp_path / "dlh-perbaikan.csv", [good, second]))
    )
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("table[aria-labelledby=masalah]")).to_have_count(0)
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_role("link", name="Lihat daftar pekerja")).to_be_visible()

    page.goto("/pekerja/")
    page.get_by_label("Nama atau NIK").fill("Uji")
    page.get_by_role("button", name="Cari").click()
    results = page.locator("table").first
    expect(results).to_contain_text("Rahmat Hidayat Uji")
    expect(results).to_contain_text("Sri Wahyuni Uji")
    expect(results).not_to_contain_text("1608011203859901")  # the list shows masked NIKs
    screenshot(page, "daftar-pekerja")
    page.get_by_role("link", name="Rahmat Hidayat Uji").click()
    expect(page.get_by_role("heading", name="Rahmat Hidayat Uji")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1608011203859901")  # a clerk sees the full record
    screenshot(page, "pekerja")
    assert csp == []


def test_hostile_files_get_a_page_with_a_sentence_never_an_error_page(open_as: OpenAs, tmp_path: Path) -> None:
    page = open_as("opd.okutimur.dlh")
    rows = [HEADER, ["1608011203859903", '=HYPERLINK("http://x")', "L", "DLH", "THL", "Sopir", "2500000", "02/01/2026"]]
    utf16 = tmp_path / "notepad-unicode.csv"
    utf16.write_bytes("\r\n".join(";".join(r) for r in rows).encode("utf-16"))  # Notepad's "Unicode"
    damaged = tmp_path / "terpotong.xlsx"
    damaged.write_bytes(b"PK\x03\x04" + b"\x00" * 300)  # cut short in transit
    field = "Berkas daftar pekerja (.xlsx atau .csv)"

    page.goto("/impor/")
    page.get_by_label(field).set_input_files(str(utf16))
    page.get_by_role("button", name="Unggah dan periksa").click()
    problems = page.locator("table[aria-labelledby=masalah]")
    expect(problems).to_contain_text("dibaca Excel sebagai rumus")  # read, and the formula name refused

    page.goto("/impor/")
    page.get_by_label(field).set_input_files(str(damaged))
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("main")).to_contain_text("bukan berkas Excel (.xlsx) yang dapat dibuka")
    expect(page.locator("main")).to_contain_text("tidak ada data yang diubah")
    expect(page.locator("main")).not_to_contain_text("calamine")
    screenshot(page, "impor-berkas-rusak")


def test_a_pemda_admin_issues_an_invoice_and_records_a_payment(open_as: OpenAs) -> None:
    page = open_as("pemda.okutimur")
    csp = watch_csp(page)
    page.goto("/tagihan/")
    page.get_by_label("Bulan (YYYY-MM)").fill("2026-11")
    page.get_by_role("button", name="Terbitkan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tagihan")
    assert re.search(r"/tagihan/\d+/$", page.url)
    page.get_by_label("Kode iuran (kode billing)").fill("E2E-2026-11")
    page.get_by_label("Tanggal bayar").fill("2026-11-20")
    page.get_by_label("Jumlah (rupiah, mis. 1.234.567)").fill("1.000.000")
    page.get_by_role("button", name="Catat pembayaran").click()
    payments = page.locator("section", has=page.get_by_role("heading", name="Pembayaran"))
    expect(payments).to_contain_text("E2E-2026-11")
    expect(payments).to_contain_text("Rp1.000.000")
    page.get_by_role("heading", name="Rekening tagihan").scroll_into_view_if_needed()
    screenshot(page, "tagihan", full_page=False)
    assert csp == []


def test_a_monitor_sees_the_dashboard_and_the_map(open_as: OpenAs) -> None:
    page = open_as("monitor.sultra")
    csp = watch_csp(page)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sulawesi Tenggara")
    regions = page.locator(".map svg path")
    expect(regions.first).to_be_visible()
    assert regions.count() == 17  # the seventeen kab/kota of Sulawesi Tenggara
    # the eleven that enrolled nobody: no data (pale) or 0% (strong), told apart in the legend
    assert page.locator(".map svg path.c0").count() + page.locator(".map svg path.cz").count() >= 11
    expect(page.locator(".legend")).to_contain_text("0%: belum ada yang terdaftar")
    screenshot(page, "beranda-pemantau")
    page.goto("/inpres/")
    expect(page.locator("main")).to_contain_text("Belum ada tindakan")
    screenshot(page, "inpres")
    assert csp == []


def test_the_branch_ranks_its_pemda_and_the_pemda_admin_resolves_a_finding(open_as: OpenAs) -> None:
    """KC Baturaja's officer sees OKU Timur's findings; the Pemda admin filters the work list to the unprotected,
    resolves one with a note, and the note stays on the finding."""
    branch = open_as("cabang.baturaja")
    csp = watch_csp(branch)
    branch.goto("/rekonsiliasi/")
    expect(branch.locator("main")).to_contain_text("16.08 Pemerintah Kabupaten Ogan Komering Ulu Timur")
    admin = open_as("pemda.okutimur")
    admin.goto("/")
    admin.get_by_role("link", name=re.compile("Tidak terlindungi")).first.click()
    expect(admin.get_by_label("Jenis")).to_have_value("tidak_terlindungi")
    first = admin.locator("tr.finding").first
    first.get_by_label("Penyelesaian").select_option("enrol")
    first.get_by_label("Catatan").fill("Didaftarkan lewat pendaftaran Desember")
    first.get_by_role("button", name="Selesaikan").click()
    expect(admin.locator("main")).to_contain_text("Temuan diselesaikan")
    expect(admin.locator("main")).to_contain_text("didaftarkan ke BPJS TK: Didaftarkan lewat pendaftaran Desember")
    screenshot(admin, "rekonsiliasi", full_page=False)
    assert csp == []


def test_the_dashboard_fits_a_phone(open_as: OpenAs) -> None:
    page = open_as("pemda.okutimur", phone=True)
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"
    screenshot(page, "beranda-ponsel")


def test_a_clerk_cannot_open_another_opds_worker_by_editing_the_url(open_as: OpenAs) -> None:
    dinkes = open_as("opd.okutimur.dinkes")
    dinkes.goto("/pekerja/")
    dinkes.locator("table a[href^='/pekerja/']").first.click()
    worker_url = dinkes.url
    assert re.search(r"/pekerja/\d+/$", worker_url)

    dlh = open_as("opd.okutimur.dlh")
    answer = dlh.goto(worker_url)
    assert answer is not None and answer.status == 404
    expect(dlh.locator("main")).to_contain_text("Tidak ditemukan")


def test_a_user_logs_in_and_reaches_the_page_by_keyboard_alone(browser: Any, site: str) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto("/masuk/")
    page.keyboard.type("pemda.okutimur")  # the user name field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/masuk/" not in url)
    page.keyboard.press("Tab")  # the first stop is the skip link, then Enter jumps to the content
    assert page.evaluate("document.activeElement.textContent.trim()") == "Langsung ke isi"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "isi"
    context.close()


def test_anyone_verifies_a_certificate_on_a_phone(open_as: OpenAs, browser: Any, site: str) -> None:
    page = open_as("admin")
    page.goto("/dokumen/")
    issue = page.locator("section", has=page.get_by_role("heading", name="Terbitkan sertifikat atau piagam"))
    issue.get_by_label("Pemda").select_option("16.08")
    issue.get_by_label("Jenis").select_option("employer")
    issue.get_by_role("button", name="Terbitkan").click()
    number = page.locator("table a").first.inner_text()
    assert number.startswith("SERT-16.08-")
    with page.expect_download() as download:
        page.get_by_role("link", name=number).click()
    pdf = Path(download.value.path())
    from tests.web.test_documents import qr_codes

    (url,) = qr_codes(pdf)
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    visitor = phone.new_page()  # no login
    visitor.goto(url.replace("http://127.0.0.1:8000", site))
    expect(visitor.locator("main")).to_contain_text("ASLI dan berlaku")
    expect(visitor.locator("main")).to_contain_text(number)
    screenshot(visitor, "verifikasi-ponsel")
    phone.close()


def test_all_cards_of_a_unit_are_printed_in_the_background_as_a_zip(open_as: OpenAs) -> None:
    page = open_as("admin")
    page.goto("/dokumen/")
    cards = page.locator("section", has=page.get_by_role("heading", name="Cetak kartu peserta"))
    cards.get_by_label("Pemda").select_option("16.08")
    cards.get_by_label("Kode unit").fill("DISHUB")  # 150 cards: more than a request prints, so a background job
    cards.get_by_label("Berkas").select_option("zip")
    cards.get_by_role("button", name="Cetak").click()
    page.wait_for_url("**/dokumen/kartu/**")
    expect(page.locator("main")).to_contain_text("150 kartu siap", timeout=60_000)  # htmx reloads when done
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        (entry,) = archive.namelist()
        assert entry == "001 Dinas Perhubungan.pdf"
        assert len(PdfReader(BytesIO(archive.read(entry))).pages) == 150
    screenshot(page, "cetak-kartu")


def test_a_clerk_reports_a_death_and_the_heir_sees_it_paid(
    open_as: OpenAs, browser: Any, site: str, tmp_path: Path
) -> None:
    """The DLH clerk reports a JKM death, enters the heirs and the files; KC Baturaja's branch officer, who serves
    OKU Timur, verifies, approves and pays; the widow checks the state on her phone with the claim number and her
    birth date."""
    clerk = open_as("opd.okutimur.dlh")
    csp = watch_csp(clerk)
    clerk.goto("/pekerja/")
    clerk.locator("table a[href^='/pekerja/']").first.click()
    nik = clerk.locator("dt:text-is('NIK') + dd").inner_text().strip()
    assert re.fullmatch(r"\d{16}", nik)
    clerk.goto("/klaim/baru/")
    clerk.get_by_label("NIK").fill(nik)
    clerk.get_by_label("Jenis").select_option("jkm")
    clerk.get_by_label("Waktu kejadian").fill("2026-11-20T04:30")
    clerk.get_by_label("Tempat").fill("Rumah sakit umum daerah Martapura")
    clerk.get_by_label("Apa yang terjadi").fill("Meninggal dunia karena stroke")
    clerk.get_by_role("button", name="Catat").click()
    expect(clerk.get_by_role("heading", level=1)).to_contain_text("KLAIM-16.08-2026-")
    number = clerk.get_by_role("heading", level=1).inner_text().split()[0]
    expect(clerk.locator("main")).to_contain_text("TERLINDUNGI")
    expect(clerk.locator("main")).to_contain_text("Rp42.000.000")
    clerk.get_by_label("Kartu keluarga").set_input_files(str(Path(__file__).parents[2] / "docs/contoh/keluarga.csv"))
    clerk.get_by_role("button", name="Simpan ahli waris").click()
    expect(clerk.locator("main")).to_contain_text("Rina Marlina (istri)")
    pdf = tmp_path / "berkas.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%berkas uji\n")
    for kind in ["kpj", "ktp_worker", "ktp_heir", "death_certificate", "family_card", "heir_statement",
                 "employer_letter", "bank_book", "marriage_book"]:  # fmt: skip
        clerk.get_by_label("Jenis berkas").select_option(kind)
        clerk.get_by_label("Berkas PDF atau JPEG").set_input_files(str(pdf))
        clerk.get_by_role("button", name="Unggah").click()
    expect(clerk.locator("main")).to_contain_text("Berkas lengkap")
    clerk.get_by_role("button", name="Berkas dinyatakan lengkap").click()
    expect(clerk.get_by_role("heading", level=1)).to_contain_text("berkas lengkap")

    officer = open_as("cabang.baturaja")
    officer.goto(f"/klaim/{number}/")
    officer.get_by_role("button", name="Diverifikasi cabang").click()
    officer.get_by_role("button", name="Disetujui").click()
    officer.get_by_label("Tanggal bayar").fill("2026-12-01")
    officer.get_by_label("Referensi").fill("E2E-JKM-1")
    officer.get_by_role("button", name="Catat pembayaran").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("dibayar")
    screenshot(officer, "klaim")

    heir = browser.new_context(base_url=site, viewport={"width": 360, "height": 740}, locale="id-ID").new_page()
    heir.goto("/klaim/status/")
    heir.get_by_label("Nomor klaim").fill(number)
    heir.get_by_label("Tanggal lahir").fill("1988-03-20")  # Rina Marlina's, from the family card
    heir.get_by_role("button", name="Periksa").click()
    expect(heir.locator("main")).to_contain_text("dibayar")
    assert nik not in heir.content()
    screenshot(heir, "klaim-status-ponsel")
    heir.context.close()
    assert csp == []
