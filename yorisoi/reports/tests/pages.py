"""Reading the figures back out of a statistics page, a CSV, an XLSX and a PDF."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.captions: dict[str, str] = {}
        self._caption: list[str] | None = None
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("id") or f"table{len(self.tables)}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "caption":
            self._caption = []
        elif tag == "span" and "muted" in (attrs.get("class") or "") and self._cell is not None:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.captions[self._table] = "".join(self._caption).strip()
            self._caption = None
        elif tag == "span" and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        elif self._cell is not None and not self._skip:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def page_captions(html: str) -> dict[str, str]:
    parser = _Tables()
    parser.feed(html)
    return parser.captions


def number(text: str):
    """ "1,234" -> 1234; the mask mark and anything else stay as text."""
    cleaned = text.replace(",", "").strip()
    return int(cleaned) if cleaned.lstrip("-").isdigit() else cleaned


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_sheets(content: bytes) -> dict[str, list[list]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    return {
        ws.title: [list(row) for row in ws.iter_rows(values_only=True)]
        for ws in workbook.worksheets
    }


def pdf_text(content: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is needed: scripts/ensure-system-packages"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(content)
        out = subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
            [tool, "-layout", str(path), "-"], capture_output=True, check=True
        )
    return out.stdout.decode("utf-8")


def pdf_fonts(content: bytes) -> str:
    tool = shutil.which("pdffonts")
    assert tool, "pdffonts (poppler-utils) is needed: scripts/ensure-system-packages"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(content)
        out = subprocess.run([tool, str(path)], capture_output=True, check=True)  # noqa: S603
    return out.stdout.decode("utf-8")
