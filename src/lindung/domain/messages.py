"""Every problem lindung reports, by code, in Bahasa Indonesia and English.

Messages are templates; `{value}` is the submitted value and `{detail}` a rule-specific fact
(the first row of a duplicate, the date inside a NIK). A code never changes meaning.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]
Severity = Literal["error", "warning"]

CATALOGUE: dict[str, tuple[str, str]] = {
    # NIK (DESIGN.md §3)
    "NIK_FORMAT": (
        "NIK harus 16 digit angka (0-9); yang tertulis berisi {detail}.",
        "A NIK must be 16 digits (0-9); this one has {detail}.",
    ),
    "NIK_UNICODE_DIGIT": (
        "NIK berisi angka non-ASCII (mis. angka Arab atau lebar penuh); ketik ulang dengan angka 0-9.",
        "The NIK contains non-ASCII digits (e.g. Arabic-Indic or full-width); retype it with 0-9.",
    ),
    "NIK_EXCEL_SCIENTIFIC": (
        "NIK telah dirusak Excel menjadi notasi ilmiah ({value}); digit aslinya hilang. Format kolom NIK "
        "sebagai Teks (atau awali dengan tanda petik ') lalu ketik ulang NIK dari KTP.",
        "Excel turned this NIK into scientific notation ({value}) and its digits are lost. Format the NIK "
        "column as Text (or start it with an apostrophe ') and retype the NIK from the ID card.",
    ),
    "NIK_EXCEL_NUMBER": (
        "NIK tersimpan sebagai angka; Excel hanya menyimpan 15 digit sehingga digit terakhir bisa berubah. "
        "Format kolom NIK sebagai Teks (atau awali dengan tanda petik ') lalu ketik ulang NIK dari KTP.",
        "The NIK is stored as a number; Excel keeps only 15 digits, so the last digit may have changed. "
        "Format the NIK column as Text (or start it with an apostrophe ') and retype the NIK from the ID card.",
    ),
    "NIK_PROVINCE": (
        "Kode provinsi {detail} pada NIK tidak dikenal.",
        "Province code {detail} in the NIK is unknown.",
    ),
    "NIK_DATE": (
        "Tanggal lahir pada NIK ({detail}) tidak mungkin (perempuan: tanggal ditambah 40).",
        "The birth date in the NIK ({detail}) is impossible (women: day plus 40).",
    ),
    "NIK_DATE_FUTURE": (
        "Tanggal lahir pada NIK ({detail}) ada di masa depan.",
        "The birth date in the NIK ({detail}) is in the future.",
    ),
    "NIK_SERIAL": (
        "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.",
        "The NIK serial (last 4 digits) cannot be 0000.",
    ),
    "NIK_REGION_UNKNOWN": (
        "Kode wilayah {detail} pada NIK tidak ada dalam data Kemendagri; periksa kembali NIK.",
        "Region code {detail} in the NIK is not in the Kemendagri data; check the NIK.",
    ),
    "NIK_REGION_RETIRED": (
        "Kode wilayah {detail} pada NIK sudah tidak berlaku (NIK tetap memakai kode saat diterbitkan, "
        "mis. sebelum pemekaran).",
        "Region code {detail} in the NIK is no longer in use (a NIK keeps the code it was issued with, "
        "e.g. before a region split).",
    ),
    "NIK_AGE": (
        "Menurut NIK, usia pekerja {detail} tahun (di luar 15-70 tahun).",
        "According to the NIK the worker is {detail} years old (outside 15-70).",
    ),
    # Roster rows
    "REQUIRED": ("Kolom ini wajib diisi.", "This column is required."),
    "DUPLICATE_NIK": (
        "NIK yang sama sudah ada di baris {detail} berkas ini.",
        "The same NIK already appears in row {detail} of this file.",
    ),
    "OTHER_UNIT": (
        'Pekerja ini masih aktif di unit {detail} pada Pemda yang sama. Jika ini mutasi, isi kolom Mutasi dengan "Ya".',
        "This worker is still active in unit {detail} of the same employer. If this is a transfer, put "
        '"Ya" in the Mutasi column.',
    ),
    "PAST_PERIOD": (
        "Baris ini masa kerja yang sudah berakhir sebelum penugasan yang tercatat (TMT {detail}); riwayat lama "
        "tidak diubah lewat impor.",
        "This row is a period that ended before the recorded employment (start {detail}); past periods are not "
        "changed by an import.",
    ),
    "TOO_LONG": ("Isian terlalu panjang (paling banyak {detail} huruf).", "Too long (at most {detail} characters)."),
    "TRANSFER_BEFORE_START": (
        "TMT mutasi {value} harus setelah TMT di unit lama ({detail}).",
        "The transfer's start date {value} must be after the start date in the old unit ({detail}).",
    ),
    "BIRTH_DATE_MISMATCH": (
        "Tanggal lahir {value} berbeda dengan tanggal lahir pada NIK ({detail}).",
        "Birth date {value} differs from the birth date in the NIK ({detail}).",
    ),
    "SEX_MISMATCH": (
        "Jenis kelamin {value} berbeda dengan NIK ({detail}).",
        "Sex {value} differs from the NIK ({detail}).",
    ),
    "SEX_INVALID": (
        "Jenis kelamin harus L (laki-laki) atau P (perempuan).",
        "Sex must be L (male) or P (female).",
    ),
    "DATE_INVALID": (
        'Tanggal "{value}" tidak dapat dibaca; tulis seperti 15/07/1990 atau 1990-07-15.',
        'Date "{value}" cannot be read; write it like 15/07/1990 or 1990-07-15.',
    ),
    "WAGE_INVALID": (
        'Upah "{value}" tidak dapat dibaca; tulis seperti 2500000 atau Rp 2.500.000.',
        'Wage "{value}" cannot be read; write it like 2500000 or Rp 2.500.000.',
    ),
    "WAGE_FRACTION": (
        "Upah harus dalam rupiah penuh, tanpa sen.",
        "The wage must be in whole rupiah, without sen.",
    ),
    "WAGE_NOT_POSITIVE": ("Upah harus lebih dari 0.", "The wage must be more than 0."),
    "WAGE_BELOW_FLOOR": (
        "Upah di bawah batas {detail}; periksa kembali (upah yang dilaporkan biasanya minimal UMK/UMP).",
        "The wage is below the {detail} floor; check it (the reported wage is usually at least the regional minimum).",
    ),
    "UNIT_UNKNOWN": (
        'Unit kerja "{value}" tidak terdaftar pada Pemda ini.',
        'Work unit "{value}" is not registered for this employer.',
    ),
    "UNIT_FIXED": (
        'Baris ini untuk unit "{value}", padahal impor ini hanya untuk unit {detail}.',
        'This row is for unit "{value}", but this import is for unit {detail} only.',
    ),
    "CATEGORY_UNKNOWN": (
        'Kategori "{value}" tidak dikenal; pilih salah satu: {detail}.',
        'Category "{value}" is unknown; choose one of: {detail}.',
    ),
    "KIND_UNKNOWN": (
        'Jenis unit "{value}" tidak dikenal; pilih salah satu: {detail}.',
        'Unit kind "{value}" is unknown; choose one of: {detail}.',
    ),
    "START_BEFORE_15": (
        "TMT {value} lebih awal dari usia 15 tahun pekerja.",
        "Start date {value} is before the worker turned 15.",
    ),
    "START_FUTURE": ("TMT {value} ada di masa depan.", "Start date {value} is in the future."),
    "START_TOO_FAR": (
        "TMT {value} lebih dari satu tahun ke depan.",
        "Start date {value} is more than a year ahead.",
    ),
    "END_BEFORE_START": (
        "Tanggal selesai {value} lebih awal dari TMT.",
        "End date {value} is before the start date.",
    ),
    "PHONE_INVALID": (
        'Nomor HP "{value}" tidak dikenali (contoh: 081234567890); tidak disimpan.',
        'Phone number "{value}" is not recognised (example: 081234567890); it is not stored.',
    ),
    "DOMICILE_UNKNOWN": (
        'Kode wilayah domisili "{value}" tidak dikenal; tidak disimpan.',
        'Domicile region code "{value}" is unknown; it is not stored.',
    ),
    "NAME_INVALID": (
        "Nama berisi angka atau tanda yang tidak lazim; periksa kembali.",
        "The name contains digits or unusual characters; check it.",
    ),
    "CODE_INVALID": (
        "Kode unit hanya boleh huruf, angka, titik, garis bawah atau tanda hubung.",
        "A unit code may contain only letters, digits, dots, underscores and dashes.",
    ),
    "DUPLICATE_CODE": (
        "Kode yang sama sudah ada di baris {detail} berkas ini.",
        "The same code already appears in row {detail} of this file.",
    ),
    # File level (row 1 = the header)
    "FILE_NOT_FOUND": ("Berkas {value} tidak ditemukan.", "File {value} not found."),
    "FILE_TYPE": (
        "Jenis berkas {value} tidak didukung; gunakan .xlsx atau .csv.",
        "File type {value} is not supported; use .xlsx or .csv.",
    ),
    "FILE_EMPTY": (
        "Berkas {value} kosong atau baris pertamanya bukan judul kolom.",
        "File {value} is empty or its first row is not a header row.",
    ),
    "FILE_CSV_SHAPE": (
        'Berkas {value} tidak dapat dibaca sebagai CSV berpemisah "{detail}": ada baris dengan kolom lebih banyak '
        "daripada judul, atau tanda kutip yang tidak ditutup. Angka seperti 2,500,000 harus diberi tanda kutip di "
        "CSV berpemisah koma.",
        'File {value} cannot be read as CSV separated by "{detail}": a row has more fields than the header, or a '
        "quote is not closed. Numbers like 2,500,000 must be quoted in a comma-separated file.",
    ),
    "FILE_ENCODING": (
        'Berkas {value} tidak dapat dibaca: {detail}. Di Excel pilih Simpan Sebagai > "CSV UTF-8" '
        "(atau unggah .xlsx-nya).",
        'File {value} cannot be read: {detail}. In Excel choose Save As > "CSV UTF-8" (or upload the .xlsx).',
    ),
    "FILE_XLSX_DAMAGED": (
        "Berkas {value} bukan berkas Excel (.xlsx) yang dapat dibuka: {detail}. Buka berkas itu di Excel atau "
        "LibreOffice, simpan ulang sebagai .xlsx, lalu unggah lagi.",
        "File {value} cannot be opened as an Excel (.xlsx) workbook: {detail}. Open it in Excel or LibreOffice, "
        "save it again as .xlsx and upload it again.",
    ),
    "FILE_NO_SHEET": ("Berkas {value} tidak berisi lembar dengan data.", "File {value} has no sheet with data."),
    "HEADER_INCOMPLETE": ("Baris judul tidak lengkap{detail}.", "The header row is incomplete{detail}."),
    "FILE_NO_ROWS": ("Berkas tidak berisi baris data.", "The file has no data rows."),
    "HEADER_MISSING": (
        'Kolom wajib "{value}" tidak ditemukan di baris judul.',
        'Required column "{value}" is not in the header row.',
    ),
    "HEADER_DUPLICATE": (
        'Kolom "{value}" muncul lebih dari sekali (sebagai {detail}).',
        'Column "{value}" appears more than once (as {detail}).',
    ),
    "HEADER_UNKNOWN": (
        'Kolom "{value}" tidak dikenal dan diabaikan.',
        'Column "{value}" is not recognised and is ignored.',
    ),
    "HEADER_UNKNOWN_MANY": (
        "{detail} kolom tidak dikenal dan diabaikan: {value}.",
        "{detail} columns are not recognised and are ignored: {value}.",
    ),
    # Cells of an uploaded workbook
    "CELL_FORMULA": (
        "Sel berisi rumus ({detail}); lindung tidak memakai rumus. Salin kolom itu lalu Tempel Spesial > Nilai, "
        "simpan, dan unggah lagi.",
        "The cell holds a formula ({detail}); lindung does not use formulas. Copy the column, Paste Special > "
        "Values, save and upload again.",
    ),
    "CELL_MERGED": (
        "Sel digabung {detail}: nilai {value} dipakai untuk setiap baris yang dicakupnya.",
        "Merged cells {detail}: the value {value} is used for every row they cover.",
    ),
    "TEXT_FORMULA": (
        "Teks diawali {detail}, yang dibaca Excel sebagai rumus; hapus tanda itu di depannya.",
        "The text starts with {detail}, which Excel reads as a formula; remove that leading character.",
    ),
    "NAME_MARKUP": (
        "Nama berisi tanda HTML ({detail}); tulis nama seperti di KTP.",
        "The name contains HTML markup ({detail}); write the name as on the ID card.",
    ),
    # One correction on a worker's page (domain/corrections.py)
    "TEXT_TOO_LONG": (
        "Teks terlalu panjang; paling banyak {detail} karakter.",
        "The text is too long; at most {detail} characters.",
    ),
    "WAGE_TOO_HIGH": (
        "Upah sebulan lebih dari {detail}; periksa jumlah nolnya.",
        "A monthly wage over {detail}; check the number of zeros.",
    ),
    "END_ALREADY": (
        "Penugasan ini sudah berakhir pada {detail}; riwayatnya tidak diubah.",
        "This employment already ended on {detail}; its history is not changed.",
    ),
    "END_TOO_FAR": (
        "Tanggal selesai paling lambat {detail} (sebulan ke depan); catat keluarnya lebih dekat ke hari "
        "terakhir bekerja.",
        "The end date may be at most {detail} (a month ahead); record the exit closer to the last working day.",
    ),
    # Rates (domain/rates.py): dated values and their data files
    "RATE_MISSING": (
        "Tidak ada tarif/nilai {value} yang berlaku pada tanggal {detail}.",
        "No rate or value {value} is in force on {detail}.",
    ),
    "RATE_FIELD_MISSING": (
        "Nilai {value} tidak ada pada tarif {detail}.",
        "Value {value} is missing from rate {detail}.",
    ),
    "RATE_RECORD": (
        "Data tarif {value} tidak valid: {detail}.",
        "Rate data {value} is invalid: {detail}.",
    ),
    "RATE_OVERLAP": (
        "Periode tarif {value} tumpang tindih: {detail}.",
        "Periods of rate {value} overlap: {detail}.",
    ),
    "RATE_GAP": (
        "Ada hari tanpa tarif {value} di antara periode {detail}.",
        "Rate {value} has days without a value between the periods {detail}.",
    ),
    "RATE_DATES": (
        "Periode tarif {value} berakhir sebelum mulai berlaku ({detail}).",
        "A period of rate {value} ends before it starts ({detail}).",
    ),
    "RATE_CONFIDENCE": (
        "Tarif {value}: tanda keyakinan {detail} tidak dikenal; pilih V, S, C, D, U atau D/U.",
        "Rate {value}: confidence mark {detail} is unknown; use V, S, C, D, U or D/U.",
    ),
    "RATE_REGULATION": (
        "Periode tarif {value} ({detail}) tidak menyebut peraturan sumbernya.",
        "A period of rate {value} ({detail}) does not cite its regulation.",
    ),
    "RATE_OVERRIDE_UNKNOWN": (
        "Tidak ada {detail} tarif {value} yang dapat diubah per perjanjian.",
        "Rate {value}: no such {detail} to change by agreement.",
    ),
    "RATE_OVERRIDE_VERIFIED": (
        "Tarif {value} sudah terverifikasi [V] ({detail}) dan tidak dapat diubah per perjanjian.",
        "Rate {value} is verified [V] ({detail}) and cannot be changed by agreement.",
    ),
    "BRACKET_TABLE": (
        "Tabel kelas penghasilan BPU {value} tidak valid: {detail}.",
        "The BPU income bracket table {value} is invalid: {detail}.",
    ),
    "SPLIT_WEIGHTS": (
        "Porsi pembagian ({value}) harus tidak negatif dan berjumlah tepat 100%.",
        "The split's shares ({value}) must be non-negative and add up to exactly 100%.",
    ),
    # Contributions (domain/contributions.py)
    "PROGRAMS_EMPTY": (
        "Pilih paling sedikit satu program (JKK, JKM, JHT, JP, JKP).",
        "Choose at least one program (JKK, JKM, JHT, JP, JKP).",
    ),
    "PROGRAM_UNKNOWN": (
        'Program "{value}" tidak dikenal; pilih dari {detail}.',
        'Program "{value}" is unknown; choose from {detail}.',
    ),
    "PROGRAM_DUPLICATE": (
        "Program {value} disebut lebih dari sekali.",
        "Program {value} is listed more than once.",
    ),
    "SEGMENT_UNKNOWN": (
        'Segmen "{value}" tidak dikenal; pilih ppu (penerima upah) atau bpu (bukan penerima upah).',
        'Segment "{value}" is unknown; choose ppu (wage earners) or bpu (non-wage earners).',
    ),
    "RISK_CLASS_INVALID": (
        "Kelompok risiko JKK {value} tidak ada; pilih 1 (sangat rendah) sampai 5 (sangat tinggi).",
        "JKK risk class {value} does not exist; choose 1 (very low) to 5 (very high).",
    ),
    "PROGRAM_NOT_FOR_BPU": (
        "Program {value} tidak tersedia bagi peserta bukan penerima upah (BPU); BPU dapat ikut JKK, JKM dan JHT.",
        "Program {value} is not available to non-wage earners (BPU); BPU may join JKK, JKM and JHT.",
    ),
    "JKP_NEEDS_JKK_JKM": (
        "JKP hanya dapat diikuti bersama JKK dan JKM (iurannya sebagian berasal dari rekomposisi iuran JKK dan JKM).",
        "JKP can only be joined together with JKK and JKM (part of its iuran is recomposed from JKK and JKM).",
    ),
    "WAGE_UNDER_ABSOLUTE_FLOOR": (
        "Upah Rp{value} di bawah batas terendah mutlak upah yang dapat dilaporkan ({detail}).",
        "The wage Rp{value} is below the absolute floor of a reported wage ({detail}).",
    ),
    "WAGE_UNDER_MINIMUM_REPORTED": (
        "Upah Rp{value} di bawah upah minimum yang dilaporkan ({detail}); perlu persetujuan petugas BPJS "
        "Ketenagakerjaan (AR/ARK).",
        "The wage Rp{value} is below the minimum reported wage ({detail}); it needs approval from the BPJS "
        "Ketenagakerjaan officer (AR/ARK).",
    ),
}


def render(code: str, lang: Lang = "id", *, value: str | None = None, detail: str | None = None) -> str:
    """The message for a problem code, filled in. Unknown codes are a programming error."""
    template = CATALOGUE[code][0 if lang == "id" else 1]
    return template.format(value="" if value is None else value, detail="" if detail is None else detail)
