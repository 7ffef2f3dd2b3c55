"""Cells as text: what clean_text keeps, drops and reports as changed."""

import pytest

from alliance.exports import FORMULA_TRIGGERS, safe_cell
from alliance.ledgers.mapping import GUARDED_STARTS, clean_text


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ('\'=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
        ("'+44 20 7946 0000", "+44 20 7946 0000"),
        ("'-12 credit note", "-12 credit note"),
        ("'@home visits", "@home visits"),
        ("'\t=1", "=1"),
        ("'\r\n=1", "=1"),
    ],
)
def test_the_exports_formula_guard_is_dropped_without_a_warning(cell, text):
    assert clean_text(cell) == (text, False)


@pytest.mark.parametrize(
    "text", ["=SUM(A1)", "+1", "-1+1", "@SUM(A1)", "O'Brien & Sons", "=a, \"b\" and 'c'"]
)
def test_text_the_export_guarded_reads_back_as_it_was(text):
    assert clean_text(safe_cell(text)) == (text, False)


@pytest.mark.parametrize(
    "cell",
    ["'quoted'", "'Twas", "'", "''=1", "' =1", "rock 'n' roll", "'1"],
)
def test_an_apostrophe_that_is_not_the_guard_is_kept(cell):
    assert clean_text(cell) == (cell, False)


def test_a_removed_control_character_is_still_a_change_behind_the_guard():
    assert clean_text("'\x00=1") == ("=1", True)


def test_the_guarded_characters_are_the_ones_the_exports_guard():
    assert GUARDED_STARTS == FORMULA_TRIGGERS


@pytest.mark.parametrize(
    ("cell", "text", "changed"),
    [
        (None, "", False),
        ("  Outreach \n workers ", "Outreach workers", False),
        (12.0, "12", False),
        ("Hub\u200b lease", "Hub lease", True),
        ("\u202eevil", "evil", True),
    ],
)
def test_cells_become_one_line_of_normalised_text(cell, text, changed):
    assert clean_text(cell) == (text, changed)
