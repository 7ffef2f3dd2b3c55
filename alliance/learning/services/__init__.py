"""The learning log: entries (with the gate for experiments), their revisions and links,
the board's questions and answers, and assurance statements. Services flush; callers
commit."""

from alliance.learning.services.common import EditedMeanwhile, InvalidEntry, on_the_board
from alliance.learning.services.entries import (
    EntryDraft,
    answer_gate,
    edit_entry,
    entries_citing_decision,
    entries_citing_version,
    get_entry,
    record_entry,
)
from alliance.learning.services.measures import (
    MeasureDraft,
    ValueExists,
    add_measure,
    append_value,
    entries_of_period,
    get_measure,
    measures_of,
)
from alliance.learning.services.review import (
    StatementDraft,
    answer_question,
    ask_question,
    get_question,
    get_statement,
    record_statement,
    statements_citing,
    statements_of,
)
from alliance.learning.services.search import Filters, find_entries, matching_ids

__all__ = [
    "EditedMeanwhile",
    "EntryDraft",
    "Filters",
    "InvalidEntry",
    "MeasureDraft",
    "StatementDraft",
    "ValueExists",
    "add_measure",
    "answer_gate",
    "answer_question",
    "append_value",
    "ask_question",
    "edit_entry",
    "entries_citing_decision",
    "entries_citing_version",
    "entries_of_period",
    "find_entries",
    "get_entry",
    "get_measure",
    "get_question",
    "get_statement",
    "matching_ids",
    "measures_of",
    "on_the_board",
    "record_entry",
    "record_statement",
    "statements_citing",
    "statements_of",
]
