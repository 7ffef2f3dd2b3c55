"""Downloads as CSV and xlsx with no live formula from anybody's text (ASVS 1.2.10).

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, TAB, CR, LF or NUL before one of them) as a formula: ``=HYPERLINK(...)`` in a
decision title would become a live link, ``@SUM(1+1)*cmd|...`` a command. So every text
cell that starts with one of those characters gets a leading single quote (OWASP "CSV
Injection"); numbers, decimals and dates stay typed values, so ``-1234.50`` is still a
number. In xlsx every text cell is also written as an inline string: openpyxl would
otherwise turn any text starting with ``=`` into a formula (SECURITY.md A8).

Times: an aware datetime is written as the clock in London, without a zone (spreadsheets
have none), so callers should say "(UK time)" in the column heading.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from alliance.filters import LONDON

#: The first characters that make a spreadsheet read a cell as a formula (ASVS 1.2.10).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\x00")

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATE_TEXT = "%-d %B %Y"
DATETIME_TEXT = "%-d %B %Y %H:%M"
XLSX_DATE = "d mmmm yyyy"
XLSX_DATETIME = "d mmmm yyyy hh:mm"
XLSX_DECIMAL = "#,##0.00"

#: Column widths (in characters) are measured on the header and this many rows.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 60

Row = Sequence[object]


def safe_cell(value):
    """Make text inert in a spreadsheet: a leading formula character gets a ``'`` before it.

    Only the very first character counts. Anything that is not a string (numbers,
    Decimal, dates, None) is returned unchanged, so it stays a typed value.
    """
    if isinstance(value, str) and value and value[0] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 name (RFC 6266, 8187)."""
    filename = re.sub(r"[\x00-\x1f\x7f]", "", filename).replace("/", "_").replace("\\", "_")
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9!#$&+.^_`|~ -]", "_", fallback).strip() or "export"
    quoted = quote(filename, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"


def download(body, mimetype: str, filename: str) -> Response:
    """Any download: an attachment with an RFC 6266 name, never sniffed."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _local(value: datetime) -> datetime:
    """An aware time as the wall clock in London, without a zone; a naive one as it is."""
    if value.tzinfo is None:
        return value
    return value.astimezone(LONDON).replace(tzinfo=None)


def _csv_text(value):
    if isinstance(value, datetime):
        return _local(value).strftime(DATETIME_TEXT)
    if isinstance(value, date):
        return value.strftime(DATE_TEXT)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return safe_cell(value)


def csv_response(filename: str, header: Row, rows: Iterable[Row]) -> Response:
    """Stream a CSV download: UTF-8 with a BOM (so Excel reads it as UTF-8), every field quoted.

    Text goes through safe_cell; dates and times are written as UK text ("3 March 2027",
    "3 March 2027 17:00"). The rows are read while the response streams, after the request
    has finished: pass rows that no longer need the database session (a list).
    """

    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
        yield "\ufeff"
        for row in _chain(header, rows):
            writer.writerow([_csv_text(value) for value in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return download(generate(), CSV_MIMETYPE, filename)


def _chain(header: Row, rows: Iterable[Row]) -> Iterator[Row]:
    yield header
    yield from rows


def _text_cell(sheet, value: str) -> Cell:
    # XML cannot hold most control characters (openpyxl refuses them): they are dropped.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value)))
    # openpyxl makes any text starting with "=" a formula and "#N/A" an error: force text.
    cell.data_type = "s"
    if "\n" in value:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _xlsx_cell(sheet, value, *, bold: bool = False) -> Cell | None:
    if value is None:
        return None
    if isinstance(value, str):
        cell = _text_cell(sheet, value)
    elif isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value))
        cell.number_format = XLSX_DATETIME
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE
    elif isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DECIMAL
    elif isinstance(value, int | float):  # bool is an int: written as TRUE/FALSE
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = _text_cell(sheet, str(value))
    if bold:
        cell.font = Font(bold=True)
    return cell


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 18
    if isinstance(value, date):
        return 17
    text = f"{value:,.2f}" if isinstance(value, Decimal) else str(value)
    return max((len(line) for line in text.splitlines()), default=0) + 2


def xlsx_response(filename: str, sheets: dict[str, tuple[Row, Iterable[Row]]]) -> Response:
    """An xlsx download, one worksheet per entry: a bold frozen header row, then the rows.

    Text is inert (safe_cell, then an inline string, never a formula); int and float are
    numbers; Decimal a number shown as #,##0.00; dates and times are dates (aware times
    become London wall-clock times).
    """
    workbook = Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        rows = list(rows)
        sheet = workbook.create_sheet(title=title)
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(header, 1):
            sample = [heading, *(row[index - 1] for row in rows[:WIDTH_SAMPLE_ROWS])]
            width = max(_width(value) for value in sample)
            sheet.column_dimensions[get_column_letter(index)].width = min(
                max(width, MIN_WIDTH), MAX_WIDTH
            )
        sheet.append([_xlsx_cell(sheet, value, bold=True) for value in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    body = io.BytesIO()
    workbook.save(body)
    return download(body.getvalue(), XLSX_MIMETYPE, filename)
