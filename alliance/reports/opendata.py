"""The alliance's open data: a zip of one CSV file per table of its record, and a README.

Principle e (open book, transparency) for people outside the tool. Every file and column
comes from ``opendata_tables.TABLES``, which also writes the README, so the two cannot
drift. Rows are streamed from the database in batches, never loaded all at once.

What it leaves out: e-mail addresses, password hashes, sessions, tokens, invitations, sign-in
attempts, IP addresses and uploaded files in progress. An e-mail address in any text (the
record names people by their address) is written as that person's name, or withheld.
Values are typed exactly: money with two decimal places, other decimals as written, never
a float; times in UTC with Z. Text goes through ``safe_cell`` (ASVS 1.2.10).
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import BinaryIO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from alliance.audit.chain import GENESIS_HASH
from alliance.audit.models import AuditChain, AuditEvent
from alliance.auth.models import User
from alliance.db import utcnow
from alliance.exports import safe_cell
from alliance.members.models import Alliance, Membership
from alliance.reports.opendata_columns import Column, Kind, Table
from alliance.reports.opendata_tables import TABLES

README = "README.md"
#: Rows fetched from the database at a time.
BATCH = 5000
EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
WITHHELD = "[e-mail address withheld]"
CENT = Decimal("0.01")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

Names = dict[str, str]


def write_open_data(session: Session, alliance: Alliance, out: BinaryIO) -> None:
    """Write the alliance's open-data zip to ``out`` (a binary file, seekable or not)."""
    made_at = utcnow()
    names = known_names(session, alliance.id)
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            with archive.open(_entry(table.filename, made_at), "w", force_zip64=True) as raw:
                counts[table.filename] = _write_csv(session, raw, table, alliance.id, names)
        text = readme(alliance, made_at, counts, _chain_head(session, alliance.id))
        archive.writestr(_entry(README, made_at), text.encode("utf-8"))


def _entry(name: str, made_at: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=made_at.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _write_csv(session: Session, raw: BinaryIO, table: Table, alliance_id: int, names) -> int:
    """Header, then the rows, in UTF-8 with a BOM; returns how many rows."""
    query = (
        select(*(column.getter.label(column.name) for column in table.columns))
        .where(table.where(alliance_id))
        .order_by(*table.order_by)
        .execution_options(yield_per=BATCH)
    )
    cells = [formatter(column.kind, names) for column in table.columns]
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([column.name for column in table.columns])
    count = 0
    for row in session.execute(query):
        writer.writerow([cell(value) for cell, value in zip(cells, row, strict=True)])
        count += 1
    text.flush()
    text.detach()
    return count


def known_names(session: Session, alliance_id: int) -> Names:
    """E-mail address to name of the alliance's people and of whoever acted in its record.

    Only to write a name where the record has an address; no address is ever written.
    """
    members = select(Membership.user_id).where(Membership.alliance_id == alliance_id)
    actors = (
        select(AuditEvent.actor_user_id)
        .join(AuditChain, AuditChain.id == AuditEvent.chain_id)
        .where(AuditChain.alliance_id == alliance_id)
    )
    rows = session.execute(
        select(User.email, User.name).where(or_(User.id.in_(members), User.id.in_(actors)))
    )
    return {email.lower(): name for email, name in rows}


def scrub(text: str, names: Names) -> str:
    """Write every e-mail address in text as the person's name, or as withheld."""
    if "@" not in text:
        return text
    return EMAIL_RE.sub(lambda found: names.get(found.group().lower(), WITHHELD), text)


def _scrub_json(value, names: Names):
    if isinstance(value, str):
        return scrub(value, names)
    if isinstance(value, dict):
        return {scrub(str(k), names): _scrub_json(v, names) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_json(v, names) for v in value]
    return value


def _money(value: Decimal) -> str:
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
    return format(value.quantize(CENT), "f")


def _decimal(value: Decimal) -> str:
    if not isinstance(value, Decimal):
        raise TypeError(f"a decimal must be a Decimal, not {type(value).__name__}")
    return format(value, "f")


def _time(value: datetime) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime(TIME_FORMAT)


def _date(value: date) -> str:
    return value.isoformat()


def _text(value) -> str:
    return str(getattr(value, "value", value))


def formatter(kind: Kind, names: Names) -> Callable[[object], str]:
    """How a value of this kind is written in a cell; None is always an empty cell."""

    def text(value) -> str:
        return safe_cell(scrub(_text(value), names))

    def codes(value) -> str:
        return safe_cell(" ".join(sorted(_text(value).split())))

    def as_json(value) -> str:
        plain = json.dumps(_scrub_json(value, names), ensure_ascii=False, sort_keys=True)
        return safe_cell(plain)

    write = {
        Kind.ID: str,
        Kind.REF: str,
        Kind.INT: str,
        Kind.YEAR: str,
        Kind.TEXT: text,
        Kind.CODE: text,
        Kind.CODES: codes,
        Kind.JSON: as_json,
        Kind.MONEY: _money,
        Kind.DECIMAL: _decimal,
        Kind.TIME: _time,
        Kind.DATE: _date,
        Kind.BOOL: lambda value: "true" if value else "false",
        Kind.HASH: text,
    }[kind]
    return lambda value: "" if value is None else write(value)


def _chain_head(session: Session, alliance_id: int) -> tuple[int, str]:
    chain = session.scalars(select(AuditChain).where(AuditChain.alliance_id == alliance_id)).first()
    return (chain.head_seq, chain.head_hash) if chain is not None else (0, GENESIS_HASH)


def codes_of(column: Column) -> tuple[str, ...]:
    """The codes a CODE or CODES column may hold: given, or its enum's values."""
    if column.codes:
        return column.codes
    enum_class = getattr(column.getter.type, "enum_class", None)
    return tuple(member.value for member in enum_class) if enum_class else ()


def describe(column: Column) -> str:
    """A column's type and units for the README."""
    codes = codes_of(column)
    if codes:
        return f"{column.kind.value}: {', '.join(f'`{code}`' for code in codes)}"
    return column.kind.value


RULES = """\
## How the files are written

- Each `.csv` file is UTF-8 with a byte-order mark, comma-separated, with a header row of
  column names first; a field holding a comma, a double quote or a line break is in double
  quotes, with any double quote inside doubled (RFC 4180). Lines end with CR LF.
- An empty cell means there is no value.
- Money: pounds with exactly two decimal places, as text such as `1234.50` or `-12.00`,
  exactly as recorded; it is never rounded and never a floating-point number. Other
  decimal numbers are written exactly as stored, such as `512.4000`.
- Times: ISO 8601 in UTC with `Z`, such as `2026-04-01T09:30:00.000000Z`. Dates: ISO 8601,
  `YYYY-MM-DD`. Yes/no answers: `true` or `false`. Codes are written as in the lists below.
- Text that starts with `=`, `+`, `-`, `@`, a tab, a carriage return, a line feed or a NUL
  has a `'` put before it, so that a spreadsheet cannot run it as a formula: remove that
  first `'` to get the text as it was recorded.
- The record names people by their e-mail address in places (who did what). In this
  archive every e-mail address is written as the person's name, or as
  `[e-mail address withheld]` when it is not someone in the alliance.
- Ids join the files: a column such as `decision_id` holds an `id` from `decisions.csv`.
  Financial years are the calendar year of their April: 2026 is April 2026 to March 2027.
"""


def _audit_note(head: tuple[int, str]) -> str:
    seq, head_hash = head
    return f"""\
## Checking the audit record

`audit_events.csv` is the alliance's record, an append-only hash chain. To check that it
is whole and in order: `seq` runs 1, 2, 3… with no gap; the first event's `prev_hash` is
64 zeros; each later event's `prev_hash` is the `hash` of the event before it. When this
archive was made the chain's head was event {seq}, with hash `{head_hash}`.

Each `hash` is the SHA-256 of `prev_hash`, a line feed and the event's full content as
canonical JSON, which includes the e-mail address and IP address this archive withholds.
So the hashes themselves can be recomputed only from the tool's own record
(`alliance audit verify`); a published copy of the hashes lets anyone holding that record
show it is the one this archive was made from.
"""


def _rows(counts: dict[str, int], table: Table) -> str:
    count = counts.get(table.filename, 0)
    return f"{count} row" if count == 1 else f"{count} rows"


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def readme(alliance: Alliance, made_at: datetime, counts: dict[str, int], head) -> str:
    """The README: what the archive is, a warning, how values are written, every column."""
    parts = [
        f"# Open data: {alliance.name}\n",
        "This archive is the open data of the alliance named above, exported from its "
        "alliance governance tool: one CSV file per table of everything the alliance has on "
        "record (its members, people and roles, interests, decisions and votes, open-book "
        "ledgers, learning log, pooled budget and audit record), and this file, which "
        "describes every file and every column.\n",
        f"- Alliance: {alliance.name}",
        f"- Made at: {_time(made_at)} (UTC)\n",
        "**Check before publishing.** It contains people's names and the alliance's whole "
        "record, including declared interests, every vote with its reason and who cast it, "
        "and what each person did in the record. It holds no e-mail address, password, "
        "session, token or invitation. Someone responsible in the alliance should read it "
        "and agree that it can be published, and remove anything that must not be.\n",
        RULES,
        _audit_note(head),
        "## Files\n",
        *(f"- `{t.filename}` ({_rows(counts, t)}): {t.description}" for t in TABLES),
        "",
    ]
    for table in TABLES:
        parts += [
            f"### {table.filename}\n",
            f"{table.description} {_rows(counts, table)}.\n",
            "| column | meaning | type and units |",
            "|---|---|---|",
            *(
                f"| `{c.name}` | {_cell(c.description)} | {_cell(describe(c))} |"
                for c in table.columns
            ),
            "",
        ]
    return "\n".join(parts)
