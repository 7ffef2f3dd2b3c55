"""The dimension pre-scan: what a sheet's XML says about its size, without parsing it. Pure.

A reader lays a sheet out densely from A1 to its furthest cell, so one cell at XFD1048576
in a 2 KB file asks for 549 GB. These scans find the furthest row and column any cell
names (xlsx), or the rows and columns the repeat attributes add up to (ods), with regular
expressions over the bytes, so safety.py can refuse the file before a reader sees it. The
scans also note what calamine does not report: hidden rows, formula cells and formulas
with no saved value (both formats), and error cells (xlsx; ods error cells are text).
"""

import re
from dataclasses import dataclass, field
from html import unescape


@dataclass
class SheetScan:
    """What the pre-scan saw in one xlsx worksheet part (cells are "F14" references)."""

    rows: int = 0
    columns: int = 0
    hidden_rows: list[int] = field(default_factory=list)
    formulas: set[str] = field(default_factory=set)
    uncached: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)  # cell: the error it shows


# Any number of letters and digits: a reference beyond Excel's grid must still be counted.
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Za-z]+)(\d+)"')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_ROW_BLOCK = re.compile(rb"<(?:\w+:)?row\b[^>]*>(.*?)</(?:\w+:)?row>", re.S)
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b(?=[^>]*\shidden="(?:1|true)")[^>]*?\sr="(\d+)"')
_TOKEN = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>|<(?:\w+:)?f[\s>/]|<(?:\w+:)?v>|</(?:\w+:)?c>")
_ATTR_R = re.compile(rb'\sr="([A-Za-z]+\d+)"')
_ERROR_CELL = re.compile(
    rb'<(?:\w+:)?c\b(?=[^>]*\st="e")[^>]*?\sr="([A-Za-z]+\d+)"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)',
    re.S,
)
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{0,40})</(?:\w+:)?v>")


def column_number(letters: bytes | str) -> int:
    """``A`` is 1, ``Z`` 26, ``AA`` 27, ``XFD`` 16,384."""
    number = 0
    for char in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def scan_sheet(xml: bytes) -> SheetScan:
    """The furthest cell any reference names, the hidden rows, formula and error cells."""
    scan = SheetScan()
    refs = _CELL_REF.findall(xml)
    rows = [int(number) for number in _ROW_REF.findall(xml)]
    scan.rows = max([*rows, *(int(row) for _, row in refs)], default=0)
    scan.columns = max((column_number(letters) for letters in {c for c, _ in refs}), default=0)
    if sum(1 for _ in _CELL_TAG.finditer(xml)) > len(refs):
        # Cells without a reference take the next position: count them row by row.
        blocks = _ROW_BLOCK.findall(xml)
        widest = max((len(_CELL_TAG.findall(block)) for block in blocks), default=0)
        scan.columns = max(scan.columns, widest)
        scan.rows = max(scan.rows, len(blocks))
    if b"hidden=" in xml:
        scan.hidden_rows = sorted(int(row) for row in _HIDDEN_ROW.findall(xml))
    if b"<f" in xml or b":f>" in xml or b":f " in xml:
        _scan_cells(xml, scan)
    if b't="e"' in xml:
        for ref, inner in _ERROR_CELL.findall(xml):
            shown = _VALUE.search(inner or b"")
            text = shown.group(1).decode("utf-8", "replace") if shown else ""
            scan.errors[ref.decode().upper()] = text or "#ERROR"
    return scan


def _scan_cells(xml: bytes, scan: SheetScan) -> None:
    """Walk the cell tags to find formulas, formulas with no cached value, and errors."""
    ref = None
    has_formula = has_value = False
    for match in _TOKEN.finditer(xml):
        token = match.group(0)
        if match.group(1) is not None:  # <c ...> or <c .../>
            found = _ATTR_R.search(match.group(1))
            ref = found.group(1).decode().upper() if found else None
            has_formula = has_value = False
            if match.group(2):  # self-closing: nothing inside
                ref = None
        elif token.startswith(b"</"):
            if ref and has_formula:
                scan.formulas.add(ref)
                if not has_value:
                    scan.uncached.add(ref)
            ref = None
        elif token.endswith(b"v>"):
            has_value = True
        else:
            has_formula = True


_ODS_TABLE = re.compile(rb"<table:table(?=[\s>/])([^>]*)>")
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROW = re.compile(rb"<table:table-row(?=[\s>/])([^>]*?)(/?)>")
_ODS_ROW_START = re.compile(rb"(?=<table:table-row[\s>/])")
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s>/])([^>]*?)(/?)>")
_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_REPEAT_COLUMNS = re.compile(rb'table:number-columns-repeated="(\d+)"')
_HIDDEN = re.compile(rb'table:visibility="(?:collapse|filter)"')
#: Formula cells repeated over more than this many rows or columns are not listed one by
#: one (a repeat bomb is refused by its size anyway, after the scan).
_LISTED_REPEAT = 1_000


def scan_ods(content: bytes) -> list[tuple[str, SheetScan]]:
    """For each table in content.xml: its name, the rows and columns up to its last filled
    cell, its hidden rows and its formula cells (with no saved value: uncached)."""
    found = []
    tables = list(_ODS_TABLE.finditer(content))
    for i, table in enumerate(tables):
        body = content[table.end() : tables[i + 1].start() if i + 1 < len(tables) else None]
        name = _ODS_NAME.search(table.group(1))
        scan = SheetScan()
        _scan_ods_table(body, scan)
        found.append((unescape(name.group(1).decode("utf-8", "replace")) if name else "", scan))
    return found


def _scan_ods_table(table: bytes, scan: SheetScan) -> None:
    position = 0
    for row in _ODS_ROW_START.split(table):
        head = _ODS_ROW.match(row)
        if not head:
            continue
        repeat = _REPEAT_ROWS.search(head.group(1))
        count = int(repeat.group(1)) if repeat else 1
        if _HIDDEN.search(head.group(1)) and count <= _LISTED_REPEAT:
            scan.hidden_rows.extend(range(position + 1, position + count + 1))
        width = last_filled = 0
        for cell in _ODS_CELL.finditer(row):
            attributes = cell.group(1)
            repeat_columns = _REPEAT_COLUMNS.search(attributes)
            span = int(repeat_columns.group(1)) if repeat_columns else 1
            if b"table:formula=" in attributes and span * count <= _LISTED_REPEAT:
                for r in range(position + 1, position + count + 1):
                    for c in range(width + 1, width + span + 1):
                        ref = f"{column_letters(c)}{r}"
                        scan.formulas.add(ref)
                        if b"office:value-type" not in attributes:
                            scan.uncached.add(ref)
            width += span
            if b"office:value-type" in attributes or not cell.group(2):
                last_filled = width
        position += count
        if last_filled:  # trailing empty padding rows are not laid out by readers
            scan.rows = position
            scan.columns = max(scan.columns, last_filled)
