"""Printing an import result the same way for rosters and units."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser, OutputWrapper

from lindung.cli import EXIT_REJECTED, add_format, add_lang, format_issue, print_json
from lindung.intake.services import ImportResult, Mode

SHOW_ISSUES = 200


def add_import_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", help="berkas .xlsx atau .csv")
    parser.add_argument("--employer", required=True, help="kode wilayah Pemda, mis. 13.11")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--commit", action="store_true", help="simpan semua baris, atau tidak sama sekali bila ada galat")
    mode.add_argument("--partial", action="store_true", help="simpan baris yang sah saja")
    parser.add_argument("--errors", help="tulis berkas galat (.xlsx atau .csv) untuk diperbaiki lalu diunggah ulang")
    add_format(parser)
    add_lang(parser)


def mode_of(options: dict[str, Any]) -> Mode:
    return "commit" if options["commit"] else "partial" if options["partial"] else "dry"


def report(result: ImportResult, options: dict[str, Any], out: OutputWrapper) -> None:
    """Print the result; exit 1 when rows were rejected."""
    en = options["lang"] == "en"
    if options["format"] == "json":
        print_json(result.as_dict())
    else:
        for issue in result.issues[:SHOW_ISSUES]:
            out.write(format_issue(issue, options["lang"]))
        more = len(result.issues) - SHOW_ISSUES
        if more > 0:
            out.write(
                f"... and {more} more problems (see --errors or --format json)"
                if en
                else f"... dan {more} masalah lain (lihat --errors atau --format json)"
            )
        for missing in result.not_in_file[:SHOW_ISSUES]:
            out.write(
                f"not in the file: unit {missing.unit}, {missing.nik} {missing.name} (still active)"
                if en
                else f"tidak ada di berkas: unit {missing.unit}, {missing.nik} {missing.name} (tetap aktif)"
            )
        summary = (
            f"{result.rows} rows: {result.new} new, {result.changed} changed, {result.unchanged} unchanged, "
            f"{result.rejected} rejected, {result.warned} with warnings"
            if en
            else f"{result.rows} baris: {result.new} baru, {result.changed} berubah, {result.unchanged} tetap, "
            f"{result.rejected} ditolak, {result.warned} dengan peringatan"
        )
        out.write(summary)
        if result.not_in_file:
            count = len(result.not_in_file)
            out.write(
                f"{count} active workers are not in the file; they were not ended."
                if en
                else f"{count} pekerja aktif tidak ada di berkas; tidak diakhiri."
            )
        if options.get("errors"):
            out.write(f"{'Error file' if en else 'Berkas galat'}: {options['errors']}")
        mode = mode_of(options)
        if result.committed:
            out.write("Tersimpan." if not en else "Saved.")
        elif mode == "dry":
            out.write(
                "Uji coba: tidak ada yang disimpan. Tambahkan --commit untuk menyimpan."
                if not en
                else "Dry run: nothing saved. Add --commit to save."
            )
        elif mode == "commit" and result.rejected:
            out.write(
                "Tidak ada yang disimpan karena ada baris ditolak (perbaiki, atau pakai --partial)."
                if not en
                else "Nothing saved because rows were rejected (fix them, or use --partial)."
            )
    if result.rejected:
        raise SystemExit(EXIT_REJECTED)
