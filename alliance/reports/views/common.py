"""The reports blueprint and what its pages share."""

from flask import g

from alliance.db import db
from alliance.ledgers.structure import financial_years
from alliance.reports.downloads import asked_year, today
from alliance.scoping import alliance_blueprint

bp = alliance_blueprint("reports", __name__)

__all__ = ["asked_year", "bp", "known_years", "today"]


def known_years() -> list[int]:
    """The alliance's financial years (for the year links), newest first."""
    return sorted({y.start_year for y in financial_years(db.session, g.alliance)}, reverse=True)
