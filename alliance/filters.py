"""Template filters: times shown in Europe/London, plain labels."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask

from alliance.money import format_pounds

LONDON = ZoneInfo("Europe/London")


def london(value: datetime | None, fmt: str = "%-d %B %Y at %H:%M") -> str:
    """Show an aware UTC time as the clock on the wall in London."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime(fmt)


def uk_date(value: date | None) -> str:
    return "" if value is None else value.strftime("%-d %B %Y")


def label(value) -> str:
    """Turn an enum value like board_representative into 'Board representative'."""
    text = getattr(value, "value", value)
    return str(text).replace("_", " ").capitalize()


def pounds(value) -> str:
    """Money as people read it: £12,500.00 (from Decimal or its string, never float)."""
    if value is None:
        return ""
    return format_pounds(Decimal(value) if isinstance(value, str) else value)


def safe_url(value: str | None) -> str | None:
    """A link people typed, if it is one a browser may follow: http(s) or mailto, else None
    (a ``javascript:`` or ``data:`` "link" is shown as text, never as a link)."""
    text = (value or "").strip()
    scheme = text.split(":", 1)[0].casefold() if ":" in text else ""
    return text if scheme in ("http", "https", "mailto") else None


def number(value) -> str:
    """A decimal as people write it: 1,250 or 12.5 (no trailing zeros, no exponent)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():,f}"


def init_app(app: Flask) -> None:
    app.add_template_filter(pounds)
    app.add_template_filter(london)
    app.add_template_filter(uk_date)
    app.add_template_filter(label)
    app.add_template_filter(safe_url)
    app.add_template_filter(number)
