"""CSV, XLSX and PDF downloads: complete files that agree with the page and with each other,
Japanese that survives Excel, and an audit record of each."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.cases.models import Method

from . import factories as f
from .conftest import YEAR
from .pages import csv_rows, number, page_captions, page_tables, pdf_fonts, pdf_text, xlsx_sheets

BREAKDOWN_TABLES = ("table-month", "table-method", "table-sex", "table-ward", "table-age")


@pytest.fixture
def busy_world(small_world, center1, worker1):
    """Enough contacts that most figures are above the masking threshold, and a ward whose
    name needs four-byte UTF-8 (𠮷) and the long-vowel mark (ー)."""
    for i in range(12):
        p = f.person(f"利用者{i}", ward="𠮷ー区" if i % 2 else "北区")
        c = f.case(p, center1, opened_on=date(2024, 4, 1))
        for k in range(i % 4 + 1):
            f.contact(c, when=f.at(date(2024, 4 + k, 3)), user=worker1, method=Method.VISIT)
    return small_world


def get(client, kind, center, publication=False):
    url = reverse("reports:export", args=[kind]) + f"?year={YEAR}&center={center}"
    if publication:
        url += "&publication=1"
    return client.get(url)


def page_figures(client, center) -> dict[tuple[str, str], list]:
    html = client.get(reverse("reports:statistics") + f"?year={YEAR}&center={center}")
    html = html.content.decode()
    tables, captions = page_tables(html), page_captions(html)
    out = {}
    for table_id in BREAKDOWN_TABLES:
        for row in tables[table_id][1:]:
            out[(captions[table_id], row[0])] = [number(v) for v in row[1:5]]
    return out


def test_csv_opens_in_excel_with_the_right_characters(client, manager1, center1, busy_world):
    client.force_login(manager1)
    response = get(client, "csv", center1.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    assert "𠮷ー区".encode() in content  # 𠮷 as four bytes, not a replacement character
    assert b"\r\n" in content
    rows = csv_rows(content)
    assert rows[0][:4] == ["年度", "対象", "区分", "項目"]
    wards = [r for r in rows if r[2] == "居住区別"]
    assert any(r[3] == "𠮷ー区" for r in wards)


def test_csv_and_xlsx_agree_with_the_page(client, manager1, center1, busy_world):
    client.force_login(manager1)
    page = page_figures(client, center1.pk)
    rows = csv_rows(get(client, "csv", center1.pk).content)
    from_csv = {(r[2], r[3]): [number(v) for v in r[5:9]] for r in rows[1:]}
    sheets = xlsx_sheets(get(client, "xlsx", center1.pk).content)
    from_xlsx = {}
    for sheet in ("内訳", "月別推移"):
        section = None
        previous = None
        for row in sheets[sheet]:
            if row[0] == "項目":
                section = previous[0]
            elif section and row[0] and row[1] is not None:
                from_xlsx[(section, row[0])] = list(row[1:5])
            previous = row
    assert page, "the page shows no tables"
    for key, figures in page.items():
        assert from_csv[key] == figures, key
        assert from_xlsx[key] == figures, key
    assert page[("居住区別", "𠮷ー区")][0] > 0


def test_xlsx_is_formatted(client, manager1, center1, busy_world):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(manager1)
    workbook = load_workbook(BytesIO(get(client, "xlsx", center1.pk).content))
    assert workbook.sheetnames == ["概要", "内訳", "月別推移", "外部の数値"]
    detail = workbook["内訳"]
    header = next(r for r in detail.iter_rows() if r[0].value == "項目")
    assert all(cell.font.bold for cell in header if cell.value)
    assert detail.column_dimensions["A"].width >= 30
    ratio_columns = {c.column for c in header if c.value == "増減率"}
    figures = [
        c
        for row in detail.iter_rows()
        for c in row
        if isinstance(c.value, int) and c.column not in ratio_columns
    ]
    assert figures and all(c.number_format == "#,##0" for c in figures)


def test_pdf_is_a_report_with_embedded_japanese_fonts(client, manager1, center1, busy_world):
    client.force_login(manager1)
    response = get(client, "pdf", center1.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    fonts = pdf_fonts(content)
    assert "NotoSansCJK" in fonts.replace("-", "") or "Noto-Sans-CJK" in fonts
    assert " yes " in fonts  # embedded
    text = pdf_text(content)
    assert "令和6年度（2024年度） ひきこもり支援の実績報告" in text
    assert "𠮷ー区" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for (_title, label), figures in page_figures(client, center1.pk).items():
        shown = " ".join(f"{v:,}" if isinstance(v, int) else v for v in figures[:2])
        assert any(line.startswith(f"{label} {shown}") for line in lines), (label, shown)


def test_publication_exports_mask_small_counts(client, manager1, center1, busy_world):
    client.force_login(manager1)
    rows = csv_rows(get(client, "csv", center1.pk, publication=True).content)
    figures = [number(v) for r in rows[1:] if r[2] != "外部の数値" for v in r[5:9] if v != ""]
    assert "x" in figures
    assert not [v for v in figures if isinstance(v, int) and 1 <= v <= 4]
    sheets = xlsx_sheets(get(client, "xlsx", center1.pk, publication=True).content)
    cells = [v for row in sheets["内訳"] for v in row[1:5] if isinstance(v, int)]
    assert cells and not [v for v in cells if 1 <= v <= 4]
    assert "x" in [v for row in sheets["内訳"] for v in row]
    text = pdf_text(get(client, "pdf", center1.pk, publication=True).content)
    assert "秘匿しています" in text
    # The internal export keeps the exact figures.
    exact = csv_rows(get(client, "csv", center1.pk).content)
    assert [v for r in exact[1:] for v in r[5:9] if v in ("1", "2", "3", "4")]


def test_every_export_is_audited(client, manager1, analyst1, center1, busy_world):
    client.force_login(manager1)
    for kind in ("csv", "xlsx", "pdf"):
        get(client, kind, center1.pk, publication=kind == "pdf")
    client.force_login(analyst1)
    get(client, "csv", "all")
    events = list(AuditEvent.objects.filter(action="export").order_by("pk"))
    assert [(e.actor.username, e.changes["format"], e.changes["publication"]) for e in events] == [
        ("manager1", "csv", False),
        ("manager1", "xlsx", False),
        ("manager1", "pdf", True),
        ("analyst1", "csv", True),  # analysts get publication figures only
    ]
    assert events[0].center_id == center1.pk
    assert events[0].changes["fiscal_year"] == YEAR


def test_an_export_that_fails_midway_offers_no_file(
    client, manager1, center1, busy_world, monkeypatch
):
    from yorisoi.reports import exports

    real = exports._xlsx_table

    def half_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(exports, "_xlsx_table", half_then_fail)
    client.force_login(manager1)
    response = get(client, "xlsx", center1.pk)
    assert response.status_code == 302
    assert "Content-Disposition" not in response
    assert response["Location"].startswith(reverse("reports:statistics"))
    page = client.get(response["Location"]).content.decode()
    assert "ファイルを作成できませんでした" in page
    assert not AuditEvent.objects.filter(action="export").exists()


def test_an_empty_year_exports_zeros(client, manager1, center1):
    client.force_login(manager1)
    rows = csv_rows(get(client, "csv", center1.pk).content)
    assert rows[1][5] == "0"
    sheets = xlsx_sheets(get(client, "xlsx", center1.pk).content)
    assert any("データはありません" in str(row[0]) for row in sheets["概要"] if row[0])
