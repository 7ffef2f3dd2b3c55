"""Spreadsheets built in memory for the ledger tests (never committed binaries).

``xlsx_parts`` writes an xlsx from raw XML, so a test can say exactly what a hostile file
holds; ``workbook`` writes a normal one with openpyxl (which saves formulas without a
cached value); ``ods`` writes an OpenDocument spreadsheet from its content.xml.
"""

import io
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

import openpyxl

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_BOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def content_types(book_type: str = BOOK_TYPE, strings: bool = False) -> str:
    strings_override = (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{STRINGS_TYPE}"/>'
        if strings
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{book_type}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/>'
        f"{strings_override}</Types>"
    )


def workbook_xml(sheet_name: str = "Ledger", prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        f'<sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def sheet_xml(rows: list[list], dimension: str | None = None, prolog: str = "") -> str:
    """A worksheet part: numbers as numbers, text as inline strings, cells named ``A1``."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">']
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    for number, row in enumerate(rows, start=1):
        out.append(f'<row r="{number}">')
        for index, value in enumerate(row):
            ref = f"{_letters(index + 1)}{number}"
            if value is None:
                continue
            if isinstance(value, int | float):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def xlsx_parts(
    sheet: str | bytes,
    *,
    book: str | None = None,
    types: str | None = None,
    strings: str | None = None,
    extra: dict[str, bytes | str] | None = None,
) -> bytes:
    """An xlsx zip from the given parts; the rest are the smallest that Excel accepts."""
    buffer = io.BytesIO()
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            if strings is not None
            else ""
        )
        + "</Relationships>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types or content_types(strings=strings is not None))
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", book or workbook_xml())
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if strings is not None:
            archive.writestr("xl/sharedStrings.xml", strings)
        for name, part in (extra or {}).items():
            archive.writestr(name, part)
    return buffer.getvalue()


def workbook(sheets: dict[str, list[list]], setup=None) -> bytes:
    """An xlsx saved by openpyxl; ``setup(book)`` may merge, hide or add formulas first."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if setup is not None:
        setup(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(table_xml: str) -> bytes:
    """An OpenDocument spreadsheet whose one table holds ``table_xml`` (rows and cells)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Ledger">{table_xml}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def patch_part(data: bytes, name: str, *, size: int, crc: int | None = None, method=None) -> bytes:
    """Rewrite what the zip headers (local and central) say about one part."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    patched = bytearray(data)
    local = info.header_offset
    directory = patched.rfind(b"PK\x05\x06")
    entry = struct.unpack_from("<I", patched, directory + 16)[0]
    while patched[entry : entry + 4] == b"PK\x01\x02":
        lengths = struct.unpack_from("<HHH", patched, entry + 28)
        if patched[entry + 46 : entry + 46 + lengths[0]] == name.encode():
            break
        entry += 46 + sum(lengths)
    for header, offsets in ((local, (8, 14, 22)), (entry, (10, 16, 24))):
        if method is not None:
            struct.pack_into("<H", patched, header + offsets[0], method)
        if crc is not None:
            struct.pack_into("<I", patched, header + offsets[1], crc)
        struct.pack_into("<I", patched, header + offsets[2], size)
    return bytes(patched)


def zip_bomb(size: int = 1 << 30) -> bytes:
    """A ~1 MB xlsx whose sheet part really inflates to ``size`` bytes of spaces.

    Deflating a GiB takes seconds, so one flushed block is repeated: after a full flush the
    compressor starts afresh, so every block of the same input compresses the same.
    """
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = block * (size // len(chunk)) + compressor.flush()
    crc = 0
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    buffer = io.BytesIO()
    small = io.BytesIO(xlsx_parts(sheet_xml([["Amount"], [1]])))
    with (
        zipfile.ZipFile(small) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                archive.writestr(zipfile.ZipInfo(info.filename), stream, zipfile.ZIP_STORED)
            else:
                archive.writestr(info.filename, source.read(info))
    return patch_part(buffer.getvalue(), "xl/worksheets/sheet1.xml", size=size, crc=crc, method=8)
