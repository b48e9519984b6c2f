"""CSV, XLSX and PDF files of a Report. Each builder returns the complete file as bytes, so a
failure part-way leaves nothing half-written to offer for download."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from . import charts
from .tables import Report, ReportTable, TableRow, published_progress

MASK = charts.MASK


def _figure(value) -> str | int:
    if value is None:
        return MASK
    return value


def _day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _header() -> list[str]:
    return [
        _("年度"),
        _("対象"),
        _("区分"),
        _("項目"),
        _("件数の種類"),
        _("件数"),
        _("実人数"),
        _("前年度の件数"),
        _("前年度の実人数"),
    ]


def report_rows(report: Report, scope_label: str) -> list[list]:
    """Every figure of the report as flat rows (the CSV's body, and what tests compare)."""
    year = report.stats.label
    rows: list[list] = []
    kind = _("件数")
    if report.stats.previous_to_date is not None:
        kind = _("件数（年度途中：%(today)s現在。前年度は%(last)sまでの同じ時期）") % {
            "today": _day(report.stats.as_of),
            "last": _day(report.stats.previous_to_date.last_day),
        }
    for row in report.summary:
        rows.append(
            [
                year,
                scope_label,
                _("概要"),
                row.label,
                kind,
                _figure(row.count),
                "",
                _figure(row.prev_count) if row.prev_count is not None or report.publication else "",
                "",
            ]
        )
    for table in [*report.tables, report.months]:
        for row in table.all_rows:
            rows.append(
                [
                    year,
                    scope_label,
                    table.title,
                    row.label,
                    table.count_label,
                    _figure(row.count),
                    _figure(row.persons),
                    _figure(row.prev_count) if table.has_prev else "",
                    _figure(row.prev_persons) if table.has_prev else "",
                ]
            )
    for series in report.external:
        for label, value in zip(report.month_labels, series.months, strict=True):
            rows.append(
                [
                    year,
                    scope_label,
                    _("外部の数値"),
                    f"{series.label} {label}",
                    _("数値"),
                    "" if value is None else value,
                    "",
                    "",
                    "",
                ]
            )
        rows.append(
            [
                year,
                scope_label,
                _("外部の数値"),
                f"{series.label} {_('合計')}",
                _("数値"),
                _figure(series.total),
                "",
                _figure(series.prev_total),
                "",
            ]
        )
    return rows


def build_csv(report: Report, *, scope_label: str) -> bytes:
    """UTF-8 with a BOM and CRLF line ends, as Excel opens without garbling Japanese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_header())
    writer.writerows(report_rows(report, scope_label))
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX -------------------------------------------------------------------------------------


def build_xlsx(report: Report, *, scope_label: str, generated_at: datetime | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    generated_at = generated_at or timezone.localtime()
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    header_fill = PatternFill("solid", fgColor="E8F1FE")
    thin = Side(style="thin", color="949494")
    boxed = Border(bottom=thin)
    right = Alignment(horizontal="right")
    number_format = "#,##0"

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("概要")

    def heading(ws, row: int, text: str, font=bold) -> None:
        ws.cell(row=row, column=1, value=text).font = font

    def header_row(ws, row: int, names: list[str]) -> None:
        for col, name in enumerate(names, start=1):
            cell = ws.cell(row=row, column=col, value=name)
            cell.font = bold
            cell.fill = header_fill
            cell.border = boxed

    def figure_cell(ws, row: int, col: int, value, *, strong=False) -> None:
        cell = ws.cell(row=row, column=col, value=_figure(value))
        if isinstance(cell.value, int):
            cell.number_format = number_format
        cell.alignment = right
        if strong:
            cell.font = bold

    heading(
        sheet,
        1,
        _("ひきこもり地域支援センター 統計（%(year)s）") % {"year": report.stats.label},
        title_font,
    )
    sheet.cell(row=2, column=1, value=_("対象"))
    sheet.cell(row=2, column=2, value=scope_label)
    sheet.cell(row=3, column=1, value=_("期間"))
    sheet.cell(
        row=3,
        column=2,
        value=f"{report.stats.first_day:%Y-%m-%d} 〜 {report.stats.last_day:%Y-%m-%d}",
    )
    sheet.cell(row=4, column=1, value=_("作成日時"))
    created = sheet.cell(row=4, column=2, value=generated_at.replace(tzinfo=None))
    created.number_format = "yyyy-mm-dd hh:mm"
    created.alignment = Alignment(horizontal="left")
    row = 5
    if report.stats.as_of is not None:
        sheet.cell(row=row, column=1, value=_("年度途中"))
        sheet.cell(row=row, column=2, value=in_progress_note(report))
        row += 1
    if report.publication:
        sheet.cell(row=row, column=1, value=_("公表用"))
        sheet.cell(row=row, column=2, value=masking_note(report))
        row += 1
    if report.is_empty:
        sheet.cell(row=row, column=1, value=_("この年度のデータはありません。すべて0件です。"))
        row += 1
    row += 1
    header_row(sheet, row, [_("項目"), _("件数"), previous_heading(report)])
    for item in report.summary:
        row += 1
        sheet.cell(row=row, column=1, value=item.label)
        figure_cell(sheet, row, 2, item.count)
        figure_cell(sheet, row, 3, item.prev_count)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 14

    detail = workbook.create_sheet(_("内訳"))
    row = 1
    for table in report.tables:
        row = _xlsx_table(detail, row, table, heading, header_row, figure_cell) + 1
    _xlsx_widths(detail, get_column_letter)
    detail.freeze_panes = "B1"

    months = workbook.create_sheet(_("月別推移"))
    _xlsx_table(months, 1, report.months, heading, header_row, figure_cell)
    _xlsx_widths(months, get_column_letter)

    external = workbook.create_sheet(_("外部の数値"))
    header_row(external, 1, [_("指標"), *report.month_labels, _("合計"), _("前年度"), _("出典")])
    for r, series in enumerate(report.external, start=2):
        external.cell(row=r, column=1, value=series.label)
        for c, value in enumerate(series.months, start=2):
            if value is None:
                external.cell(row=r, column=c, value="—").alignment = right
            else:
                figure_cell(external, r, c, value)
        figure_cell(external, r, len(report.month_labels) + 2, series.total, strong=True)
        figure_cell(external, r, len(report.month_labels) + 3, series.prev_total)
        external.cell(row=r, column=len(report.month_labels) + 4, value="、".join(series.sources))
    external.column_dimensions["A"].width = 40
    for c in range(2, len(report.month_labels) + 4):
        external.column_dimensions[get_column_letter(c)].width = 12
    external.column_dimensions[get_column_letter(len(report.month_labels) + 4)].width = 40

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table_header(table: ReportTable) -> list[str]:
    names = [_("項目"), table.count_label, _("実人数")]
    if table.has_prev:
        names += [_("前年度 %(label)s") % {"label": table.count_label}, _("前年度 実人数")]
    if table.show_change:
        names += [_("増減"), _("増減率")]
    return names


def _row_cells(table: ReportTable, row: TableRow) -> list[tuple[str, object]]:
    cells: list[tuple[str, object]] = [("count", row.count), ("persons", row.persons)]
    if table.has_prev:
        cells += [("prev_count", row.prev_count), ("prev_persons", row.prev_persons)]
    if table.show_change:
        cells += [("change", row.change), ("ratio", row.change_ratio)]
    return cells


def _xlsx_table(ws, row, table: ReportTable, heading, header_row, figure_cell) -> int:
    from openpyxl.styles import Alignment, Font

    heading(ws, row, table.title)
    row += 1
    header_row(ws, row, _table_header(table))
    for item in table.all_rows:
        row += 1
        label = ws.cell(row=row, column=1, value=item.label)
        if item.is_total:
            label.font = Font(bold=True)
        for col, (name, value) in enumerate(_row_cells(table, item), start=2):
            if name == "ratio":
                # A number the spreadsheet can compute with, shown as a percentage.
                cell = ws.cell(row=row, column=col, value=value)
                if value is not None:
                    cell.number_format = "+0.0%;-0.0%;0.0%"
                cell.alignment = Alignment(horizontal="right")
            elif name == "change" and (value is None or item.pending):
                ws.cell(row=row, column=col, value=None)
            else:
                figure_cell(ws, row, col, value, strong=item.is_total)
    if table.note:
        row += 1
        ws.cell(row=row, column=1, value=table.note)
    return row + 1


def _xlsx_widths(ws, get_column_letter) -> None:
    ws.column_dimensions["A"].width = 36
    for c in range(2, 9):
        ws.column_dimensions[get_column_letter(c)].width = 16


# --- PDF --------------------------------------------------------------------------------------


def in_progress_note(report: Report) -> str:
    note = _("年度途中（%(today)s現在）の数値です。") % {"today": _day(report.stats.as_of)}
    if report.stats.previous_to_date is not None:
        note += _("概要の前年度は、%(last)sまでの同じ時期の数値です。") % {
            "last": _day(report.stats.previous_to_date.last_day)
        }
    return note


def previous_heading(report: Report) -> str:
    if report.stats.previous_to_date is None:
        return _("前年度")
    return _("前年度（%(last)sまで）") % {"last": _day(report.stats.previous_to_date.last_day)}


def masking_note(report: Report) -> str:
    return _(
        "公表用のため、1〜%(limit)s件（人）の数値と、そこから計算で分かってしまう数値を「%(mark)s」"
        "で秘匿しています。"
    ) % {"limit": report.threshold, "mark": MASK}


def council_report_context(
    report: Report,
    *,
    scope_label: str,
    commentary,
    progress: list,
    generated_at=None,
    center_id: int | None = None,
    is_city: bool = False,
) -> dict:
    generated_at = generated_at or timezone.localtime()
    month_table = report.months
    table_charts = [
        (
            table,
            charts.bar_chart(
                chart_id=f"pdf-chart-{table.key}",
                title=table.title,
                rows=table.chart_rows,
                table_id=f"pdf-table-{table.key}",
            ),
        )
        for table in report.tables
    ]
    return {
        "report": report,
        "stats": report.stats,
        "scope_label": scope_label,
        "commentary": commentary,
        "progress": published_progress(report, progress, center_id=center_id, is_city=is_city),
        "generated_at": generated_at,
        "masking_note": masking_note(report) if report.publication else "",
        "month_chart": charts.month_chart(
            chart_id="pdf-chart-month",
            title=month_table.title,
            labels=report.month_short_labels,
            current=[r.count for r in month_table.rows],
            previous=[r.prev_count for r in month_table.rows],
            current_name=report.stats.label,
            previous_name=report.stats.previous_label,
            table_id="pdf-table-month",
        ),
        "table_charts": table_charts,
        "font_family": getattr(settings, "YORISOI_PDF_FONT_FAMILY", "Noto Sans CJK JP"),
    }


def council_report_html(report: Report, **kwargs) -> str:
    return render_to_string("reports/council_report.html", council_report_context(report, **kwargs))


def build_pdf(report: Report, **kwargs) -> bytes:
    from weasyprint import HTML

    html = council_report_html(report, **kwargs)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
