"""The export as tables: CSV (one row per application) and XLSX (with areas and findings).

Cells come from applicants. A value that a spreadsheet would run as a formula (it starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
apostrophe in CSV and as plain text in XLSX, and characters XLSX cannot hold are dropped.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from db.export import AREA_KEYS, EXPORT_FIELDS

COLUMNS = (
    "reference",
    "status",
    "received_at",
    "review_cycle",
    "sender",
    "message_id",
    *(name for name in EXPORT_FIELDS if name != "review_cycle"),
    "signature_date",
    "thematic_areas",
    "documents",
    "findings",
    "notifications",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def flat_row(item: dict[str, Any]) -> dict[str, str]:
    """One application as text cells, lists joined with "; "."""
    row = {name: cell_text(item.get(name)) for name in COLUMNS}
    row["thematic_areas"] = "; ".join(
        cell_text(area.get("title") or area.get("number"))
        for area in item.get("thematic_areas") or []
    )
    row["documents"] = "; ".join(
        f"{doc.get('filename')} ({doc.get('role')})" for doc in item.get("documents") or []
    )
    row["findings"] = "; ".join(
        f"{finding.get('code')} ({finding.get('severity')})"
        for finding in item.get("findings") or []
    )
    row["notifications"] = "; ".join(
        f"{note.get('kind')}: {note.get('status')}" for note in item.get("notifications") or []
    )
    return row


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(part) for part in value)
    return str(value)


def safe_csv_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(items: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        row = flat_row(item)
        writer.writerow([safe_csv_cell(row[name]) for name in COLUMNS])
    return buffer.getvalue()


def write_csv(items: Iterable[dict[str, Any]], path: str | os.PathLike[str] | None) -> None:
    """Write the CSV to ``path`` (UTF-8 with a byte-order mark for spreadsheets) or stdout."""
    text = csv_text(items)
    if path is None:
        sys.stdout.write(text)
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(text)


def workbook(items: Iterable[dict[str, Any]]) -> Workbook:
    """Three sheets: applications, thematic areas and findings."""
    items = list(items)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "applications"
    _fill(sheet, COLUMNS, ([flat_row(item)[name] for name in COLUMNS] for item in items))
    _fill(
        book.create_sheet("thematic_areas"),
        ("reference", *AREA_KEYS),
        (
            [item["reference"], *(cell_text(area.get(key)) for key in AREA_KEYS)]
            for item in items
            for area in item.get("thematic_areas") or []
        ),
    )
    _fill(
        book.create_sheet("findings"),
        ("reference", "code", "severity", "message", "overridden"),
        (
            [
                item["reference"],
                *(
                    cell_text(finding.get(key))
                    for key in ("code", "severity", "message", "overridden")
                ),
            ]
            for item in items
            for finding in item.get("findings") or []
        ),
    )
    return book


def _fill(sheet: Worksheet, header: Iterable[str], rows: Iterable[list[str]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", text) for text in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # applicant text that looks like a formula stays text
                cell.data_type = "s"
    sheet.freeze_panes = "B2"


def xlsx_bytes(items: Iterable[dict[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    workbook(items).save(buffer)
    return buffer.getvalue()


def write_xlsx(items: Iterable[dict[str, Any]], path: str | os.PathLike[str]) -> None:
    workbook(items).save(path)
