"""The real ledgers are the files described, each has an outcome, and a damaged one is refused."""

import hashlib

from alliance.ledgers.parsing import build_preview
from tests.integration.real_ledgers import EXPECTED, FILES, FOLDER


def test_every_real_file_has_a_stated_outcome():
    assert sorted(EXPECTED) == FILES


def test_the_files_are_the_ones_described():
    listed = {}
    for line in (FOLDER / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            listed[name.strip().lstrip("*")] = digest
    for name in FILES:
        assert hashlib.sha256((FOLDER / name).read_bytes()).hexdigest() == listed[name], name


def test_a_real_xls_with_one_damaged_byte_is_refused_not_a_crash():
    data = bytearray((FOLDER / "nhsbsa-dispensing-practices-2015-01-report.xls").read_bytes())
    data[12930] = 49  # calamine panics (a Rust panic is a BaseException) on this byte
    preview = build_preview(bytes(data), {})
    assert preview["refused"]["code"] == "unreadable"
    assert preview["refused"]["message"].startswith("The spreadsheet could not be read")
