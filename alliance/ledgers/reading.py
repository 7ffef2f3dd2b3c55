"""Turn a checked file into sheets of cells. Runs only in the bounded child (worker.py).

xlsx, xls and ods are read by python-calamine (fast; its cached values for formulas).
What calamine cannot see (which cells are formulas, formulas with no cached value, error
cells, hidden rows) comes from the safety pre-scan of the xlsx sheet XML or the ods
content.xml, so openpyxl is not needed to read. For xls (BIFF) there is no such scan:
its formulas are read as their saved values without a flag, and hidden rows as others.
CSV is read by the standard library with explicit decoding, a sniffed delimiter and every
record's field count kept, so a short or long row is never shifted.
"""

import csv
import io
from dataclasses import dataclass, field

from alliance.ledgers.safety import Checked, Limits, Refused, SheetScan

DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Sheet:
    """One sheet's cells, dense from A1 (``rows[0]`` is row 1); empty cells are ``""``."""

    name: str
    state: str = "visible"  # "visible", "hidden" or "veryHidden"
    rows: list[list] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    formulas: set[str] = field(default_factory=set)
    uncached: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)  # cell: the error it shows
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r0,c0,r1,c1
    lines: list[int] | None = None  # CSV: the line each record starts on
    widths: list[int] | None = None  # CSV: how many fields each record had

    @property
    def visible(self) -> bool:
        return self.state == "visible"


@dataclass
class Workbook:
    kind: str
    sheets: list[Sheet]
    encoding: str | None = None
    delimiter: str | None = None


def read_workbook(data: bytes, checked: Checked, limits: Limits | None = None) -> Workbook:
    if checked.kind == "csv":
        return read_csv(data, limits)
    return _read_with_calamine(data, checked)


def _read_with_calamine(data: bytes, checked: Checked) -> Workbook:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            state = str(meta.visible).rsplit(".", 1)[-1]
            state = {"Visible": "visible", "Hidden": "hidden"}.get(state, "veryHidden")
            if str(meta.typ).rsplit(".", 1)[-1] not in ("WorkSheet", "Worksheet"):
                continue
            sheet = Sheet(meta.name, state)
            if state == "visible":  # hidden sheets are reported, never read
                found = book.get_sheet_by_name(meta.name)
                sheet.rows = found.to_python(skip_empty_area=False)
                sheet.merged = [
                    (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (found.merged_cell_ranges or [])
                ]
                _apply_scan(sheet, checked.sheets.get(meta.name))
            sheets.append(sheet)
    except Refused:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        # calamine raises several types (and a Rust panic on some damaged files); the
        # person needs one message.
        raise Refused(
            f"The spreadsheet could not be read ({type(exc).__name__}: {str(exc)[:200]}). "
            "Save it again from Excel or LibreOffice as .xlsx and upload the new copy.",
            "unreadable",
        ) from None
    return Workbook(checked.kind, sheets)


def _apply_scan(sheet: Sheet, scan: SheetScan | None) -> None:
    if scan is None:
        return
    sheet.hidden_rows = scan.hidden_rows
    sheet.formulas = scan.formulas
    sheet.uncached = scan.uncached
    sheet.errors = scan.errors


# --- CSV -------------------------------------------------------------------------------


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in; never a silent replacement character."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise Refused(
                f"The file says it is UTF-16 but byte {exc.start:,} is not. Save it again as "
                "“CSV UTF-8”.",
                "encoding",
            ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise Refused(
            f"The file contains a NUL byte on line {line:,} (byte {nul:,}), so it is not a "
            "text CSV. Save it again from Excel as “CSV UTF-8”.",
            "nul_bytes",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "UTF-8"), "UTF-8 (with BOM)"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise Refused(
            f"The file is not UTF-8 or Windows-1252 text: byte {exc.start:,} cannot be read. "
            "Save it again from Excel as “CSV UTF-8”.",
            "encoding",
        ) from None


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise Refused(
            f"The file says it is {label} but byte {exc.start + 3:,} is not. Save it again "
            "as “CSV UTF-8”.",
            "encoding",
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into several fields."""
    sample = [line for line in text[:65536].splitlines()[:60] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        wide = [count for count in counts if count > 1]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = (wide.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, limits: Limits | None = None) -> Workbook:
    limits = limits or Limits()
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    rows: list[list] = []
    lines: list[int] = []
    widths: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for record in reader:
            rows.append(record)
            lines.append(start)
            widths.append(len(record))
            start = reader.line_num + 1
            if len(rows) > limits.max_rows or (
                len(record) > limits.max_columns and _filled_width(record) > limits.max_columns
            ):
                raise Refused(
                    f"The file is too big to be a ledger: line {lines[-1]:,} goes past the "
                    f"limit of {limits.max_rows:,} lines × {limits.max_columns:,} columns. "
                    "Split it by period, or remove columns that are not the ledger.",
                    "too_many_cells",
                )
    except csv.Error as exc:
        raise Refused(
            f"Line {start:,} cannot be read as CSV ({exc}). Check for an unclosed quote mark "
            "or a very long value there.",
            "csv_structure",
        ) from None
    sheet = Sheet("CSV", rows=rows, lines=lines, widths=widths)
    return Workbook("csv", [sheet], encoding=encoding, delimiter=delimiter)


def _filled_width(record: list[str]) -> int:
    """The fields up to the last that holds anything (trailing empty ones are padding)."""
    width = len(record)
    while width and not record[width - 1].strip():
        width -= 1
    return width
