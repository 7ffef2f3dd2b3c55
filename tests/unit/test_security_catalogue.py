"""SECURITY.md catalogue items (groups A and B) that no other unit test covers, each sent
through the real bounded child like the hostile files in test_ledger_hostile.py."""

import datetime
import io
import socket
import threading
import time
import zipfile

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from alliance.ledgers.safety import Limits
from alliance.ledgers.worker import preview_file
from tests.unit.ledger_files import ods, sheet_xml, xlsx_parts

LEDGER = sheet_xml([["Description", "Amount"], ["Tea", 12.5]])
YEAR = {"period_start": "2026-04-01", "period_end": "2027-03-01"}
ENTITIES = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;">]>'
ODS_TABLE = (
    '<table:table-row><table:table-cell office:value-type="string"><text:p>Amount</text:p>'
    "</table:table-cell></table:table-row><table:table-row><table:table-cell "
    'office:value-type="float" office:value="1"/></table:table-row>'
)


def refusal(data: bytes, **kwargs) -> tuple[str, str]:
    started = time.perf_counter()
    preview = preview_file(data, {}, **kwargs)
    assert time.perf_counter() - started < 2.0
    assert "refused" in preview, preview.get("problems")
    return preview["refused"]["code"], preview["refused"]["message"]


def replaced(data: bytes, name: str, part: bytes) -> bytes:
    """The same zip with one part replaced (or added)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, part if info.filename == name else source.read(info))
        if name not in source.namelist():
            target.writestr(name, part)
    return buffer.getvalue()


def errors(preview: dict) -> list[tuple[str, str]]:
    return [(p["where"], p["message"]) for p in preview["problems"] if p["severity"] == "error"]


# --- A1, A17: the zip directory -------------------------------------------------------------


def test_a_file_of_more_than_1000_parts_is_refused_from_the_zip_directory():
    data = xlsx_parts(LEDGER, extra={f"xl/media/part{n}.bin": b"x" for n in range(1_000)})
    code, message = refusal(data)
    assert code == "zip_bomb"
    assert message == (
        "The file holds 1,005 parts; a spreadsheet needs far fewer (the limit is 1,000)."
    )


def test_a_part_compressed_more_than_100_to_1_is_refused_from_the_zip_directory():
    data = xlsx_parts(LEDGER, extra={"xl/media/padding.bin": b"\0" * (3 * 1024 * 1024)})
    code, message = refusal(data)
    assert code == "zip_bomb"
    assert message.startswith("One part of the file is compressed ")
    assert message.endswith("to 1, far beyond any real spreadsheet (the limit is 100 to 1).")


@pytest.mark.parametrize(
    "name", ["../evil.xml", "/etc/evil.xml", "xl/../../evil.xml", "..\\evil.xml"]
)
def test_a_part_whose_name_climbs_out_or_is_absolute_is_refused(name):
    code, message = refusal(xlsx_parts(LEDGER, extra={name: b"<a/>"}))
    assert (code, message) == ("zip_unsafe", "The file contains a part with an unsafe name.")


# --- A3, A11: OpenDocument parts --------------------------------------------------------------


@pytest.mark.parametrize("part", ["content.xml", "styles.xml"])
def test_entity_declarations_in_any_opendocument_part_are_refused(part):
    plain = ods(ODS_TABLE)
    xml = zipfile.ZipFile(io.BytesIO(plain)).read("content.xml").decode()
    if part == "styles.xml":
        xml = '<?xml version="1.0"?><office:document-styles>&lol1;</office:document-styles>'
    hostile = xml.replace("?>", "?>" + ENTITIES, 1).encode()
    code, _message = refusal(replaced(plain, part, hostile))
    assert code == "unsafe_xml"


def test_an_opendocument_file_that_is_not_a_spreadsheet_is_refused():
    text_document = replaced(ods(ODS_TABLE), "mimetype", b"application/vnd.oasis.opendocument.text")
    code, message = refusal(text_document)
    assert code == "wrong_type"
    assert message.startswith("This OpenDocument file is not a spreadsheet.")


# --- A8: a real sheet over the row limit --------------------------------------------------------


def test_a_csv_with_more_lines_than_the_limit_is_refused_naming_the_line():
    data = b"Description,Amount\n" + b"Tea,1.00\n" * 1_001
    code, message = refusal(data, limits=Limits(max_rows=1_000))
    assert code == "too_many_cells"
    assert message.startswith(
        "The file is too big to be a ledger: line 1,001 goes past the limit of 1,000 lines"
    )


def test_a_fully_populated_sheet_over_the_row_limit_is_refused_before_reading():
    data = xlsx_parts(sheet_xml([["Description", "Amount"]] + [["Tea", 1]] * 1_001))
    code, message = refusal(data, limits=Limits(max_rows=1_000))
    assert code == "too_many_cells"
    assert message.startswith("The sheet uses 1,002 rows × 2 columns; the limit is 1,000 rows")


# --- A15: external links and embedded objects ---------------------------------------------------


def test_external_links_and_embedded_objects_are_ignored_and_nothing_is_fetched():
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/book.xlsx"
    connections, stop = [], threading.Event()

    def listen():
        while not stop.is_set():
            try:
                connections.append(server.accept()[0])
            except TimeoutError:
                continue

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    link = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" TargetMode="External" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        f'Target="{url}"/></Relationships>'
    )
    extra = {
        "xl/externalLinks/externalLink1.xml": "<externalLink/>",
        "xl/externalLinks/_rels/externalLink1.xml.rels": link,
        "xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        "xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    }
    try:
        preview = preview_file(xlsx_parts(LEDGER, extra=extra), {})
        time.sleep(0.2)
    finally:
        stop.set()
        listener.join()
        server.close()
    assert "refused" not in preview
    assert (preview["line_count"], preview["total"]) == (1, "12.50")
    assert connections == []


# --- A19, A20: CSV encodings and structure -------------------------------------------------------


def test_a_csv_that_is_neither_utf8_nor_windows_1252_is_refused_with_the_byte():
    code, message = refusal(b"Description,Amount\nTea\x81\x8d,1.00\n")
    assert code == "encoding"
    assert message.startswith("The file is not UTF-8 or Windows-1252 text: byte 22 cannot be read")


def test_a_csv_with_an_unclosed_quote_is_refused_with_its_line():
    code, message = refusal(b'Description,Amount\nTea,1.00\n"Buns,2.00\nCake,3.00\n')
    assert code == "csv_structure"
    assert message.startswith("Line 3 cannot be read as CSV")


def test_a_line_with_fewer_fields_than_the_heading_line_is_an_error():
    preview = preview_file(b"Description,Supplier,Amount\nTea,Acme,1.00\nBuns,2.00\n", {})
    assert [where for where, _message in errors(preview)] == ["line 3"]


# --- B31, B32: dates and codes ---------------------------------------------------------------


def test_dates_in_a_workbook_using_the_1904_date_system_are_read_as_written():
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Ledger"
    sheet.append(["Date", "Description", "Amount"])
    sheet.append([datetime.date(2026, 5, 14), "Tea", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    assert b'date1904="1"' in zipfile.ZipFile(buffer).read("xl/workbook.xml")
    preview = preview_file(buffer.getvalue(), YEAR)
    assert errors(preview) == []
    assert [(line.period_start, line.amount) for line in preview["lines"]] == [
        ("2026-05-01", "1.00")
    ]


def test_codes_with_leading_zeros_or_an_exponent_are_kept_as_text():
    preview = preview_file(b"Description,Reference,Amount\nTea,00123,1\nBuns,1E5,2\n", {})
    assert [line.reference for line in preview["lines"]] == ["00123", "1E5"]
