"""Hostile files (SECURITY.md group A), each built here in a few KB and sent through the real
child process: refused with a plain reason in under two seconds, and this process (the
parent, standing in for the web worker) carries on."""

import json
import os
import socket
import threading
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from alliance.ledgers.safety import Limits
from alliance.ledgers.worker import Sandbox, preview_file
from tests.unit.ledger_files import (
    MACRO_BOOK_TYPE,
    content_types,
    ods,
    patch_part,
    sheet_xml,
    workbook,
    workbook_xml,
    xlsx_parts,
    zip_bomb,
)

FAR_CORNER = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def hostile(data: bytes, options: dict | None = None, **kwargs) -> dict:
    """The preview of a hostile file, which must come back within two seconds."""
    started = time.perf_counter()
    preview = preview_file(data, options or {}, **kwargs)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
    os.kill(os.getpid(), 0)  # the parent is alive (it is running this line)
    return preview


def refusal(preview: dict) -> tuple[str, str]:
    assert "refused" in preview, preview.get("problems")
    return preview["refused"]["code"], preview["refused"]["message"]


def ledger_sheet(*extra_rows) -> str:
    return sheet_xml([["Description", "Amount"], ["Tea", 12.5], *extra_rows])


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


def test_a_zip_bomb_is_refused_from_the_zip_directory(bomb):
    assert len(bomb) < 1_200_000
    code, message = refusal(hostile(bomb))
    assert code == "zip_bomb"
    assert "unpacks to 1024.0 MB" in message


def test_parts_declaring_more_than_50_mb_in_all_are_refused_before_reading():
    parts = {f"xl/media/pad{n}.bin": os.urandom(300_000) for n in range(3)}
    data = xlsx_parts(ledger_sheet(), extra=parts)
    for name in parts:  # each says 20 MB: under the part limit, at a ratio of 70 to 1
        data = patch_part(data, name, size=20 * 1024 * 1024)
    code, message = refusal(hostile(data))
    assert code == "zip_bomb"
    assert message.startswith("The file unpacks to 60.0 MB; the limit is 50.0 MB. Remove sheets")


def test_a_forged_size_in_the_zip_directory_fails_its_checksum():
    sheet = ledger_sheet().replace("</worksheet>", " " * 30_000_000 + "</worksheet>")
    data = patch_part(xlsx_parts(sheet), "xl/worksheets/sheet1.xml", size=2_000)
    code, message = refusal(hostile(data))
    assert code == "damaged"
    assert "checksum" in message


def test_one_far_corner_cell_is_refused_before_any_reader_sees_it():
    data = xlsx_parts(ledger_sheet().replace("</sheetData>", FAR_CORNER))
    assert len(data) < 2_048
    code, message = refusal(hostile(data))
    assert code == "too_many_cells"
    assert "uses 1,048,576 rows × 16,384 columns" in message
    assert "the limit is 250,000 rows × 200 columns" in message


def test_a_far_corner_cell_in_a_sheet_part_the_workbook_names_oddly_is_refused():
    data = xlsx_parts(ledger_sheet().replace("</sheetData>", FAR_CORNER))
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                part = part.replace(b'Target="worksheets/', b'Target="./worksheets/')
            archive.writestr(info.filename, part)
    code, _message = refusal(hostile(buffer.getvalue()))
    assert code == "too_many_cells"


def test_the_child_process_is_what_protects_when_the_pre_scan_lets_a_file_through():
    data = xlsx_parts(ledger_sheet().replace("</sheetData>", FAR_CORNER))
    generous = Limits(max_rows=2_000_000, max_columns=20_000, max_cells=10**13)
    code, message = refusal(hostile(data, limits=generous))
    # calamine asked for 549 GB and aborted the child; the parent reports it and goes on.
    assert code == "unreadable"
    assert "the reader stopped" in message
    assert preview_file(xlsx_parts(ledger_sheet()), {})["line_count"] == 1


def test_a_lying_dimension_is_ignored_and_the_real_rows_are_read():
    data = xlsx_parts(sheet_xml([["Description", "Amount"], ["Tea", 12.5]], "A1:XFD1048576"))
    preview = hostile(data)
    assert "refused" not in preview
    assert preview["line_count"] == 1
    assert [line.amount for line in preview["lines"]] == ["12.50"]
    assert len(preview["columns"]) == 2


def test_an_ods_repeat_bomb_is_refused():
    table = (
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" '
        'office:value="1"/></table:table-row>'
    )
    data = ods(table)
    assert len(data) < 2_048
    code, message = refusal(hostile(data))
    assert code == "too_many_cells"
    assert "1,000,000 rows × 1,000 columns" in message


def test_billion_laughs_in_the_shared_strings_is_refused():
    strings = (
        f'<?xml version="1.0"?>{LAUGHS}<sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    sheet = ledger_sheet().replace(
        "</sheetData>", '<row r="3"><c r="A3" t="s"><v>0</v></c></row></sheetData>'
    )
    code, message = refusal(hostile(xlsx_parts(sheet, strings=strings)))
    assert code == "unsafe_xml"
    assert "entity" in message


def test_billion_laughs_in_the_workbook_part_is_refused():
    book = workbook_xml(prolog=LAUGHS).replace('name="Ledger"', 'name="&lol9;"')
    code, _message = refusal(hostile(xlsx_parts(ledger_sheet(), book=book)))
    assert code == "unsafe_xml"


def test_an_external_file_entity_is_refused_and_nothing_is_read():
    prolog = '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
    sheet = sheet_xml([["Description", "Amount"], ["&secret;", 1]], prolog=prolog)
    sheet = sheet.replace("&amp;secret;", "&secret;")
    preview = hostile(xlsx_parts(sheet))
    code, _message = refusal(preview)
    assert code == "unsafe_xml"
    hostname = Path("/etc/hostname")
    if hostname.exists() and hostname.read_text().strip():
        assert hostname.read_text().strip() not in json.dumps(preview)


def test_an_external_web_entity_is_refused_and_no_request_is_made():
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    port = server.getsockname()[1]
    connections = []
    stop = threading.Event()

    def listen():
        while not stop.is_set():
            try:
                connections.append(server.accept()[0])
            except TimeoutError:
                continue

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    try:
        prolog = f'<!DOCTYPE sst [<!ENTITY probe SYSTEM "http://127.0.0.1:{port}/x">]>'
        strings = (
            f'<?xml version="1.0"?>{prolog}<sst xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&probe;</t></si></sst>'
        )
        sheet = ledger_sheet().replace(
            "</sheetData>", '<row r="3"><c r="A3" t="s"><v>0</v></c></row></sheetData>'
        )
        code, _message = refusal(hostile(xlsx_parts(sheet, strings=strings)))
        time.sleep(0.2)
    finally:
        stop.set()
        listener.join()
        server.close()
    assert code == "unsafe_xml"
    assert connections == []


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 59 + b"This program cannot be run in DOS mode.\r\n" + b"PE\0\0"
HTML = b"<!DOCTYPE html><html><body><table><tr><td>Amount</td></tr></table></body></html>"


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "a PDF document"),
        (PNG, "an image"),
        (EXE + b"\x00" * 512, "a program"),
        (HTML, "a web page"),
        (b"\xef\xbb\xbf  <html><head><title>Ledger</title></head></html>", "a web page"),
    ],
    ids=["pdf", "png", "exe", "html", "html-with-bom"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_whatever_its_name(data, looks_like):
    code, message = refusal(hostile(data))
    assert code == "wrong_type"
    assert looks_like in message


def test_an_xlsx_is_read_as_an_xlsx_even_where_a_csv_was_expected():
    preview = hostile(workbook({"Ledger": [["Description", "Amount"], ["Tea", 12.5]]}))
    assert preview["kind"] == "xlsx"
    assert preview["total"] == "12.50"


def test_a_truncated_xlsx_is_refused_as_damaged():
    data = workbook({"Ledger": [["Description", "Amount"], ["Tea", 12.5]]})
    code, message = refusal(hostile(data[: len(data) // 2]))
    assert code == "damaged"
    assert "damaged" in message


def test_a_password_protected_workbook_is_refused_with_what_to_do():
    directory = "".join(
        name.encode("utf-16-le").ljust(64, b"\0").decode("latin-1")
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    ).encode("latin-1")
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + directory + b"\0" * 3000
    code, message = refusal(hostile(data))
    assert code == "encrypted"
    assert "password" in message


def test_a_workbook_with_a_vba_project_is_refused():
    data = xlsx_parts(ledger_sheet(), extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 16})
    code, message = refusal(hostile(data))
    assert code == "macros"
    assert "macros" in message


def test_a_workbook_with_a_macro_enabled_content_type_is_refused():
    data = xlsx_parts(ledger_sheet(), types=content_types(MACRO_BOOK_TYPE))
    code, message = refusal(hostile(data))
    assert code == "macros"
    assert "contains macros" in message


def test_a_binary_workbook_is_refused_as_xlsb_not_as_macros():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            content_types("application/vnd.ms-excel.sheet.binary.macroEnabled.main"),
        )
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
        archive.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    code, message = refusal(hostile(buffer.getvalue()))
    assert code == "wrong_type"
    assert ".xlsb" in message


def test_a_32767_character_description_is_an_error_at_its_cell():
    rows = [["Description", "Amount"], ["x" * 32_767, 10], ["Tea", 2.5]]
    preview = hostile(workbook({"Ledger": rows}))
    assert "refused" not in preview
    errors = [p for p in preview["problems"] if p["severity"] == "error"]
    assert errors == [
        {
            "severity": "error",
            "where": "Ledger!A2",
            "message": "This is 32,767 characters long; the limit is 1,000.",
        }
    ]
    assert preview["problem_counts"]["error"] == 1


def test_nul_bytes_in_a_csv_are_refused():
    code, message = refusal(hostile(b"Description,Amount\nTea\x00,1.00\n"))
    assert code == "nul_bytes"
    assert "NUL byte on line 2 (byte 22)" in message


def test_a_200000_character_csv_field_is_refused_with_its_line():
    data = b'Description,Amount\nTea,1.00\n"' + b"x" * 200_000 + b'",2.00\n'
    code, message = refusal(hostile(data))
    assert code == "csv_structure"
    assert message.startswith("Line 3 cannot be read as CSV")


def test_a_file_over_the_size_limit_is_refused_before_any_child_is_started():
    code, message = refusal(hostile(b"Description,Amount\n" * 200, limits=Limits(max_bytes=1000)))
    assert code == "too_large"
    assert message.startswith("The file is 0.0 MB; the limit is 0.0 MB.")


def test_a_reader_that_runs_out_of_time_is_stopped_and_the_parent_carries_on():
    data = b"Date,Description,Amount\n" + b"01/04/2026,Visit,1.50\n" * 240_000  # 5 MB
    started = time.perf_counter()
    preview = preview_file(data, {}, sandbox=Sandbox(seconds=1))
    assert time.perf_counter() - started < 1 + 5
    code, message = refusal(preview)
    assert code in ("unreadable", "too_slow")
    assert "time" in message
