"""Exports never emit a live formula from anybody's text (ASVS 1.2.10, SECURITY.md A8)."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from flask import Flask

from alliance.exports import (
    content_disposition,
    csv_response,
    safe_cell,
    xlsx_response,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("\x00=1", "'\x00=1"),
        ("=", "'="),
        # Only the very first character counts.
        ("Fund outreach", "Fund outreach"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("'=1", "'=1"),
        (
            "Harbour Charity: block (cites b) — =SUM(1)",
            "Harbour Charity: block (cites b) — =SUM(1)",
        ),
        ("", ""),
        ("£12,500.00", "£12,500.00"),
        # Typed values are left typed: a negative number is a number, not a formula.
        (-1, -1),
        (0, 0),
        (-1234.5, -1234.5),
        (None, None),
        (True, True),
        (date(2027, 3, 3), date(2027, 3, 3)),
        (datetime(2027, 3, 3, 17, 0, tzinfo=UTC), datetime(2027, 3, 3, 17, 0, tzinfo=UTC)),
    ],
)
def test_safe_cell(value, expected):
    result = safe_cell(value)
    assert result == expected
    assert type(result) is type(expected)


def test_a_decimal_stays_a_decimal():
    value = Decimal("-1234.50")
    assert safe_cell(value) is value


@pytest.fixture
def request_context():
    app = Flask(__name__)
    with app.test_request_context():
        yield


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    assert content_disposition("riverside-decisions.csv") == (
        "attachment; filename=\"riverside-decisions.csv\"; filename*=UTF-8''riverside-decisions.csv"
    )
    assert content_disposition('Bryn "Môr"\r\nSet-Cookie: x.csv') == (
        'attachment; filename="Bryn _Mor_Set-Cookie_ x.csv"; '
        "filename*=UTF-8''Bryn%20%22M%C3%B4r%22Set-Cookie%3A%20x.csv"
    )


def test_csv_is_utf8_with_a_bom_every_field_quoted_and_text_inert(request_context):
    response = csv_response(
        "register.csv",
        ["Title", "Amount", "When (UK time)", "On"],
        [
            ['=HYPERLINK("http://evil.example","click")', Decimal("-1234.50"), None, None],
            ['He said "no"', -7, datetime(2027, 6, 3, 16, 0, tzinfo=UTC), date(2027, 3, 3)],
        ],
    )
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="register.csv"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert all(line.startswith('"') for line in text.splitlines())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["Title", "Amount", "When (UK time)", "On"],
        ['\'=HYPERLINK("http://evil.example","click")', "-1234.50", "", ""],
        # 16:00 UTC in June is 17:00 in London (BST).
        ['He said "no"', "-7", "3 June 2027 17:00", "3 March 2027"],
    ]


def _xlsx(sheets):
    response = xlsx_response("register.xlsx", sheets)
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return response.get_data()


def test_xlsx_text_is_never_a_formula_and_typed_values_stay_typed(request_context):
    body = _xlsx(
        {
            "Sheet one": (
                ["Title", "Amount", "Count", "When (UK time)", "On", "Code"],
                [
                    ['=HYPERLINK("http://x")', Decimal("-1234.50"), -3, None, None, "#N/A"],
                    [
                        "\x00=1",
                        None,
                        2.5,
                        datetime(2027, 3, 3, 17, 0, tzinfo=UTC),
                        date(2027, 3, 3),
                        "a\nb",
                    ],
                ],
            ),
            "Sheet two": (["Only a header"], []),
        }
    )
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 2
        for name in sheets:
            xml = archive.read(name)
            assert b"<f>" not in xml and b"<f " not in xml
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Sheet one", "Sheet two"]
    sheet = book["Sheet one"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    title, amount, count, _, _, code = sheet[2]
    assert (title.value, title.data_type) == ('\'=HYPERLINK("http://x")', "s")
    assert (amount.value, amount.data_type, amount.number_format) == (-1234.5, "n", "#,##0.00")
    assert (count.value, count.data_type) == (-3, "n")
    assert (code.value, code.data_type) == ("#N/A", "s")
    text, _, number, when, on, multiline = sheet[3]
    # XML cannot carry NUL: it is dropped after the quote went in front.
    assert (text.value, text.data_type) == ("'=1", "s")
    assert number.value == 2.5
    assert when.value.isoformat() == "2027-03-03T17:00:00" and when.is_date
    assert on.value.isoformat() == "2027-03-03T00:00:00" and on.number_format == "d mmmm yyyy"
    assert multiline.value == "a\nb" and multiline.alignment.wrap_text
    assert 8 <= sheet.column_dimensions["A"].width <= 60
    assert book["Sheet two"].freeze_panes == "A2"
