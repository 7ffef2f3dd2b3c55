"""Check an uploaded file before any parser sees it. Pure: bytes in, a verdict out.

SECURITY.md group A. What is checked, in order, cheaply and without parsing XML:

- the size (the web layer also answers 413 before reading a larger body);
- the type, by magic bytes and required parts, never by the file name: xlsx is a zip with
  ``[Content_Types].xml`` and ``xl/workbook.xml``; ods is a zip whose ``mimetype`` says so;
  xls is an OLE container with a ``Workbook`` stream; csv is text;
- refused with what to do instead: macro-enabled workbooks, password-protected (encrypted)
  workbooks, xlsb;
- the zip central directory: entry count, each part's and the total uncompressed size, the
  compression ratio, and names that climb out (``../``) or are absolute;
- XML parts that declare a DTD or entities (billion laughs, XXE), refused unparsed;
- the dimension pre-scan: the furthest row and column any cell names, so that a 2 KB file
  with one cell at XFD1048576 is refused before a reader densifies it into 549 GB.

Every refusal is a :class:`Refused` with a plain-English message for the person uploading.
"""

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO

from alliance.ledgers.prescan import SheetScan, column_letters, column_number, scan_ods, scan_sheet
from alliance.ledgers.sniff import declares_entities, not_a_spreadsheet

__all__ = [
    "Checked",
    "Limits",
    "Refused",
    "SheetScan",
    "check_file",
    "column_letters",
    "column_number",
]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MACRO_TYPES = (b"macroEnabled", b"vbaProject")
#: What reading a damaged or crafted zip can raise (zlib for a corrupt stream, NotImplemented
#: for an unknown compression method, RuntimeError for an encrypted entry).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)
SAVE_AS_XLSX = "Open it in Excel and use Save As, choosing “Excel Workbook (.xlsx)”."


@dataclass(frozen=True)
class Limits:
    """Proposed defaults (SECURITY.md A1, A5, A8); the app reads them from its config."""

    max_bytes: int = 20 * 1024 * 1024
    max_entries: int = 1_000
    max_part: int = 25 * 1024 * 1024
    max_total: int = 50 * 1024 * 1024
    max_ratio: int = 100
    max_rows: int = 250_000
    max_columns: int = 200
    max_cells: int = 10_000_000


class Refused(Exception):
    """The file cannot be taken; ``message`` says why and what to do, in plain English."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Checked:
    """A file that passed: its kind, and for xlsx what the scan saw per sheet part."""

    kind: str  # "xlsx", "xls", "ods" or "csv"
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # by sheet name


def check_file(data: bytes, limits: Limits | None = None) -> Checked:
    """Refuse anything unsafe or unreadable; say what the file is."""
    limits = limits or Limits()
    if len(data) == 0:
        raise Refused("The file is empty.", "empty")
    if len(data) > limits.max_bytes:
        raise Refused(
            f"The file is {_mb(len(data))}; the limit is {_mb(limits.max_bytes)}. "
            "Split it by period, or remove sheets that are not the ledger.",
            "too_large",
        )
    if data.startswith(OLE_MAGIC):
        return Checked(_check_ole(data))
    if data.startswith(ZIP_MAGIC):
        return _check_zip(data, limits)
    other = not_a_spreadsheet(data)
    if other:
        raise Refused(
            f"This is not a spreadsheet (it looks like {other}). "
            "Upload the ledger as .xlsx, .ods, .xls or .csv.",
            "wrong_type",
        )
    if data.startswith(b"PK"):
        raise Refused("The file is damaged: it is not a complete spreadsheet.", "damaged")
    return Checked("csv")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _check_ole(data: bytes) -> str:
    """An OLE compound file: a legacy .xls, or an encrypted (password-protected) workbook."""
    probe = data[: 2 * 1024 * 1024]
    utf16 = lambda name: name.encode("utf-16-le")  # noqa: E731 - directory names are UTF-16
    if utf16("EncryptedPackage") in probe or utf16("EncryptionInfo") in probe:
        raise Refused(
            "The workbook is protected with a password, so it cannot be read. "
            "Remove the password (File › Info › Protect Workbook) and upload it again.",
            "encrypted",
        )
    if utf16("_VBA_PROJECT") in probe or (utf16("VBA") in probe and utf16("Macros") in probe):
        raise Refused(
            "The workbook contains macros, which are not accepted on an open-book ledger. "
            + SAVE_AS_XLSX,
            "macros",
        )
    if utf16("Workbook") in probe or utf16("Book") in probe:
        return "xls"
    raise Refused(
        "This is an Office file but not a spreadsheet. Upload the ledger as .xlsx, .ods, "
        ".xls or .csv.",
        "wrong_type",
    )


def _check_zip(data: bytes, limits: Limits) -> Checked:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        entries = archive.infolist()
    except ZIP_ERRORS:
        raise Refused(
            "The file is damaged (the zip inside it is incomplete). Save it again and upload "
            "the new copy.",
            "damaged",
        ) from None
    _check_directory(entries, limits)
    _check_prologs(archive, entries)
    names = {entry.filename for entry in entries}
    if "mimetype" in names:
        if _read_part(archive, "mimetype").strip() != ODS_MIMETYPE:
            raise Refused(
                "This OpenDocument file is not a spreadsheet. Upload the ledger as .ods, "
                ".xlsx or .csv.",
                "wrong_type",
            )
        return Checked("ods", _scan_ods(archive, limits))
    if "[Content_Types].xml" not in names:
        raise Refused(
            "This zip file is not a spreadsheet. Upload the ledger as .xlsx, .ods, .xls or .csv.",
            "wrong_type",
        )
    types = _read_part(archive, "[Content_Types].xml")
    if "xl/workbook.bin" in names:  # before macros: every .xlsb says "macroEnabled"
        raise Refused(
            "This is a binary workbook (.xlsb), which cannot be read. " + SAVE_AS_XLSX,
            "wrong_type",
        )
    if "xl/vbaProject.bin" in names or any(marker in types for marker in MACRO_TYPES):
        raise Refused(
            "The workbook contains macros (it is macro-enabled), which are not accepted on "
            "an open-book ledger. " + SAVE_AS_XLSX,
            "macros",
        )
    if "xl/workbook.xml" not in names:
        raise Refused(
            "This Office file is not a spreadsheet. Upload the ledger as .xlsx, .ods, .xls or "
            ".csv.",
            "wrong_type",
        )
    parts = _sheet_parts(archive, names)
    # Every part that may hold cells is scanned, named by the workbook or not, so that no
    # reader can find a sheet the pre-scan did not see.
    cells = {name for name in names if re.fullmatch(r"xl/.*sheets?/[^/]*\.xml", name)}
    scans = {part: _scan_sheet(_read_part(archive, part), limits) for part in sorted(cells)}
    for part in set(parts.values()) - cells:
        scans[part] = _scan_sheet(_read_part(archive, part), limits)
    return Checked("xlsx", {sheet: scans[part] for sheet, part in parts.items()})


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Each worksheet's name and the zip part that holds it (from the workbook and its rels)."""
    from defusedxml.ElementTree import fromstring

    try:
        workbook = fromstring(_read_part(archive, "xl/workbook.xml"))
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = fromstring(_read_part(archive, rels_name)) if rels_name in names else None
    except Refused:
        raise
    except Exception:  # defusedxml refuses entities; ParseError for broken XML
        raise Refused(
            "The workbook's structure could not be read safely (it may be damaged or "
            "crafted). Save it again from Excel and upload the new copy.",
            "unsafe_xml",
        ) from None
    targets = {}
    for rel in rels.iter() if rels is not None else ():
        if rel.tag.endswith("Relationship"):
            target = rel.get("Target", "").lstrip("/")
            targets[rel.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
    parts = {}
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet") or sheet.tag == "sheet":
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            part = targets.get(rid)
            if part in names:
                parts[sheet.get("name")] = part
    return parts


def _check_directory(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    """The zip bomb checks, from the central directory alone (SECURITY.md A1, A17)."""
    if len(entries) > limits.max_entries:
        raise Refused(
            f"The file holds {len(entries):,} parts; a spreadsheet needs far fewer "
            f"(the limit is {limits.max_entries:,}).",
            "zip_bomb",
        )
    total = 0
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            raise Refused("The file contains a part with an unsafe name.", "zip_unsafe")
        if entry.file_size > limits.max_part:
            raise Refused(
                f"One part of the file unpacks to {_mb(entry.file_size)}; the limit is "
                f"{_mb(limits.max_part)}. Remove sheets, columns and formatting that are not "
                "the ledger, or split it by period; an administrator can raise the limit.",
                "zip_bomb",
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise Refused(
                f"One part of the file is compressed {ratio:,.0f} to 1, far beyond any real "
                f"spreadsheet (the limit is {limits.max_ratio} to 1).",
                "zip_bomb",
            )
        total += entry.file_size
    if total > limits.max_total:
        raise Refused(
            f"The file unpacks to {_mb(total)}; the limit is {_mb(limits.max_total)}. Remove "
            "sheets that are not the ledger, or split it by period; an administrator can "
            "raise the limit.",
            "zip_bomb",
        )


def _check_prologs(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse any XML part that declares entities (billion laughs, XXE), unparsed."""
    for entry in entries:
        if not entry.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(entry) as stream:
                unsafe = declares_entities(stream)
        except ZIP_ERRORS:
            raise Refused(
                "The file is damaged (a part does not match its recorded size or checksum). "
                "Save it again and upload the new copy.",
                "damaged",
            ) from None
        if unsafe:
            raise Refused(
                "The file contains XML entity declarations, which spreadsheets never need "
                "and attacks use. Save it again from Excel or LibreOffice and upload the "
                "new copy.",
                "unsafe_xml",
            )


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except ZIP_ERRORS:
        raise Refused(
            "The file is damaged (a part does not match its recorded size or checksum). "
            "Save it again and upload the new copy.",
            "damaged",
        ) from None


def _too_big(rows: int, columns: int, limits: Limits) -> None:
    if rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells:
        raise Refused(
            f"The sheet uses {rows:,} rows × {columns:,} columns; the limit is "
            f"{limits.max_rows:,} rows × {limits.max_columns:,} columns. If it holds only a "
            "few cells far away, delete the empty rows and columns and save it again.",
            "too_many_cells",
        )


def _scan_sheet(xml: bytes, limits: Limits) -> SheetScan:
    """The dimension pre-scan: refuse before a reader densifies a far-away cell."""
    scan = scan_sheet(xml)
    _too_big(scan.rows, scan.columns, limits)
    return scan


def _scan_ods(archive: zipfile.ZipFile, limits: Limits) -> dict[str, SheetScan]:
    """Refuse repeat bombs: the cells a reader would have to lay out (SECURITY.md A7); and
    note what calamine does not report: hidden rows and formula cells, by table."""
    content = _read_part(archive, "content.xml") if "content.xml" in archive.namelist() else b""
    if not content:
        raise Refused("The spreadsheet has no content.", "damaged")
    scans = {}
    for name, scan in scan_ods(content):
        _too_big(scan.rows, scan.columns, limits)
        scans[name] = scan
    return scans
