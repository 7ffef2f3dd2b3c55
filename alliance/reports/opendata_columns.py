"""What the open-data archive holds: each file, and each column's meaning, type and getter.

The README and the CSV files are both written from TABLES, so a column cannot be in one and
not the other. A column's getter is an SQL expression (a column, or a scalar subquery for a
person's or an organisation's name): each file is one SELECT, streamed. Nothing here reads
an e-mail address, a password hash, a token, a session, an invitation or an IP address.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select

from alliance.auth import models as auth
from alliance.decisions import models as dm
from alliance.ledgers import models as gm
from alliance.members import models as mm


class Kind(enum.Enum):
    ID = "whole number: this row's id, unique in this file"
    REF = "whole number: the id of a row in another file; empty when there is none"
    INT = "whole number"
    YEAR = "whole number: a financial year, as the calendar year of its April (2026 = 2026-27)"
    TEXT = "text"
    CODE = "text: one code from a fixed list"
    CODES = "text: codes from a fixed list, separated by single spaces"
    JSON = "text: JSON"
    MONEY = "money: pounds with exactly two decimal places, as text such as 1234.50 or -12.00"
    DECIMAL = "exact decimal number, as text such as 512.4000 (never rounded)"
    TIME = "date and time: ISO 8601 UTC with Z, such as 2026-04-01T09:30:00.000000Z"
    DATE = "date: ISO 8601, YYYY-MM-DD"
    BOOL = "true or false"
    HASH = "text: a SHA-256 hash, 64 lower-case hexadecimal characters"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    description: str
    #: The getter: what the database gives for it, formatted by kind.
    getter: ColumnElement
    #: The codes a CODE or CODES column may hold, when the getter is not an enum column.
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    #: The alliance's rows (given the alliance's id) and their order.
    where: Callable[[int], ColumnElement[bool]]
    order_by: tuple

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def _table(model, name: str, description: str, columns, where=None, order=None) -> Table:
    """Columns are (name, kind, description[, getter]); the getter defaults to model.<name>.
    By default the rows are the model's rows with the alliance's id, in id order."""

    def column(spec) -> Column:
        if isinstance(spec, Column):
            return spec
        return Column(*spec) if len(spec) > 3 else Column(*spec, getattr(model, spec[0]))

    built = tuple(column(spec) for spec in columns)
    where = where or (lambda a: model.alliance_id == a)
    return Table(name, description, built, where, order or (model.id,))


def person(user_id) -> ColumnElement:
    """A person's name (never their e-mail address)."""
    return select(auth.User.name).where(auth.User.id == user_id).scalar_subquery()


def org(organisation_id) -> ColumnElement:
    return select(ORG.name).where(ORG.id == organisation_id).scalar_subquery()


def _ids(model, alliance_id: int):
    return select(model.id).where(model.alliance_id == alliance_id)


def _via(foreign_key, parent) -> Callable:
    """Rows that belong to the alliance through a parent that has an alliance_id."""
    return lambda a: foreign_key.in_(_ids(parent, a))


def _outcome(attribute: str) -> ColumnElement:
    outcome = dm.DecisionOutcome
    found = select(getattr(outcome, attribute)).where(outcome.decision_id == dm.Decision.id)
    return found.scalar_subquery()


def _joined(codes, condition) -> ColumnElement:
    """Codes of several rows, separated by spaces (in no set order: the writer sorts them)."""
    return select(func.aggregate_strings(codes, " ")).where(condition).scalar_subquery()


ORG = mm.Organisation
_ROLES = _joined(mm.MembershipRole.role, mm.MembershipRole.membership_id == mm.Membership.id)
_CITED = _joined(dm.DecisionCitation.code, dm.DecisionCitation.decision_id == dm.Decision.id)
_SEAT_ORG = select(ORG.name).join(dm.Seat, dm.Seat.organisation_id == ORG.id)

K = Kind
ID = ("id", K.ID, "Row id; other files refer to the row by it")
BY, WHEN = "Name of the person who recorded it", "When it was recorded"
DECISION = ("decision_id", K.REF, "decisions.csv: the decision")
ENTRY = ("entry_id", K.REF, "learning_entries.csv: the entry")


def _recorded(model, by="recorded_by_id", at="recorded_at") -> tuple:
    return ("recorded_by", K.TEXT, BY, person(getattr(model, by))), (at, K.TIME, WHEN)


#: The register, decisions and ledgers (opendata_tables adds learning, pool and record).
REGISTER_TABLES: tuple[Table, ...] = (
    _table(mm.Alliance, "alliance", "The alliance itself: one row.", (
        ID, ("slug", K.TEXT, "Short name used in the tool's addresses"),
        ("name", K.TEXT, "The alliance's name"), ("purpose", K.TEXT, "What it is set up to do"),
        ("reference_prefix", K.TEXT, "Prefix of decision references (RCNA in RCNA-2026-001)"),
        ("agreement_starts_on", K.DATE, "First day of the alliance agreement"),
        ("agreement_ends_on", K.DATE, "Last day of the alliance agreement"),
        ("financial_year_start_month", K.INT, "Month (1-12) its financial year starts in"),
        ("abstention_policy", K.CODE, "Whether an abstention stands aside or breaks unanimity"),
        ("quorum", K.INT, "Seats that must vote for a decision to carry; empty: every seat"),
        ("created_at", K.TIME, "When the alliance was set up in the tool"),
    ), where=lambda a: mm.Alliance.id == a),
    _table(mm.Principle, "principles", "The Alliance Principles every member signed up to.", (
        ID, ("code", K.TEXT, "The principle's letter, as decisions, votes and entries cite it"),
        ("text", K.TEXT, "The principle"),
    ), order=(mm.Principle.code, mm.Principle.id)),
    _table(mm.AllianceValue, "values", "The Alliance Values and Behaviours.", (
        ID, ("code", K.TEXT, "Short code, as decisions, votes and learning entries cite it"),
        ("name", K.TEXT, "The value"), ("description", K.TEXT, "What it means in practice"),
        ("position", K.INT, "Place in the list"),
    ), order=(mm.AllianceValue.position, mm.AllianceValue.id)),
    _table(mm.Organisation, "organisations", "Member organisations, alphabetically.", (
        ID, ("slug", K.TEXT, "Short name used in the tool's addresses"),
        ("name", K.TEXT, "The organisation's name"),
        ("kind", K.CODE, "Commissioner, provider or other"),
        ("joined_on", K.DATE, "When it joined the alliance"),
        ("left_on", K.DATE, "When it left the alliance; empty while it is a member"),
    ), order=(func.lower(mm.Organisation.name), mm.Organisation.id)),
    _table(mm.Membership, "people", "People in the alliance: name, organisation and roles.", (
        ID, ("user_id", K.INT, "The person's id, as actor_user_id in audit_events.csv"),
        ("name", K.TEXT, "The person's name", person(mm.Membership.user_id)),
        ("organisation_id", K.REF, "organisations.csv: whom they act for"),
        ("organisation", K.TEXT, "That organisation's name", org(mm.Membership.organisation_id)),
        Column("roles", K.CODES, "Their roles in the alliance", _ROLES,
               tuple(role.value for role in mm.Role)),
        ("created_at", K.TIME, "When they were added to the alliance"),
    )),
    _table(mm.Appointment, "appointments", "The role register: key roles filled on a "
           "best-person basis (principle f).", (
        ID, ("kind", K.CODE, "chair (of the board) or other"), ("title", K.TEXT, "The role"),
        ("person", K.TEXT, "Name of the person appointed", person(mm.Appointment.user_id)),
        ("rationale", K.TEXT, "Why they are the best person for it"),
        ("decision_reference", K.TEXT, "Reference of the decision that appointed them"),
        ("starts_on", K.DATE, "First day in the role"),
        ("ended_on", K.DATE, "When the appointment ended; empty while it lasts"),
        ("created_at", K.TIME, WHEN),
    )),
    _table(mm.Interest, "interests", "The register of interests, used for recusal.", (
        ID, ("person", K.TEXT, "Name of who declared it", person(mm.Interest.user_id)),
        ("organisation_id", K.REF, "organisations.csv: the organisation they act for"),
        ("kind", K.CODE, "The kind of interest"), ("description", K.TEXT, "The interest"),
        ("declared_on", K.DATE, "When it was declared"),
        ("updated_on", K.DATE, "When it was last brought up to date"),
        ("ended_on", K.DATE, "When it ended; empty while it stands"),
    )),
    _table(dm.Decision, "decisions", "Every decision, with its policy in force and outcome.", (
        ID, ("reference", K.TEXT, "Permanent reference, such as RCNA-2026-001"),
        ("title", K.TEXT, "Short title"), ("question", K.TEXT, "The question put"),
        ("background", K.TEXT, "Background"), ("papers", K.TEXT, "Links to papers, one a line"),
        ("rationale", K.TEXT, "Why it is best for people using services (principle b)"),
        ("kind", K.CODE, "Key issue, operational, or a commissioner's reserved matter"),
        ("status", K.CODE, "Draft, open for votes, closed or withdrawn"),
        ("citations", K.CODES, "Codes of the principles and values it rests on", _CITED),
        ("version", K.INT, "Wording version (see decision_versions.csv)"),
        ("opened_at", K.TIME, "When voting opened"), ("closed_at", K.TIME, "When voting closed"),
        ("closes_at", K.TIME, "When voting closes or closed"),
        ("close_reason", K.TEXT, "Why it was closed early, if it was"),
        ("closed_by", K.TEXT, "Who closed it: a name or closing time", dm.Decision.closed_by_label),
        ("abstention_policy", K.CODE, "Abstention policy in force, fixed when voting opened"),
        ("quorum", K.INT, "Quorum in force; empty: every seat"),
        ("supersedes_id", K.REF, "decisions.csv: the carried decision it replaces"),
        ("reserved_holder_id", K.REF, "organisations.csv: holder of the reserved power"),
        ("result", K.CODE, "Outcome computed at close; empty until then", _outcome("result")),
        ("explanation", K.TEXT, "Why the rules gave it", _outcome("explanation")),
        ("tally", K.JSON, "Seats and positions counted at close", _outcome("tally")),
        ("decided_at", K.TIME, "When the outcome was computed", _outcome("decided_at")),
        ("outcome_statement", K.TEXT, "The statement written after close"),
        ("statement_at", K.TIME, "When it was written"),
        ("review_on", K.DATE, "When the decision is to be reviewed"),
        ("created_by", K.TEXT, "Name of the proposer", person(dm.Decision.created_by_id)),
        ("created_at", K.TIME, "When it was proposed"),
    )),
    _table(dm.DecisionVersion, "decision_versions", "The wording of a draft at each edit.", (
        ID, DECISION, ("version", K.INT, "Wording version"), ("title", K.TEXT, "Title then"),
        ("question", K.TEXT, "Question then"), ("background", K.TEXT, "Background then"),
        ("rationale", K.TEXT, "Rationale then"), ("papers", K.TEXT, "Papers then"),
        ("citations", K.JSON, "Codes cited then"),
        ("edited_by", K.TEXT, "Name of the editor", person(dm.DecisionVersion.edited_by_id)),
        ("edited_at", K.TIME, "When"),
    ), where=_via(dm.DecisionVersion.decision_id, dm.Decision)),
    _table(dm.Seat, "seats", "Each decision's electorate, frozen when voting opened.", (
        ID, DECISION, ("organisation_id", K.REF, "organisations.csv: whose seat"),
        ("organisation", K.TEXT, "That organisation's name", org(dm.Seat.organisation_id)),
        ("recused", K.BOOL, "Whether the seat was recused"),
        ("recusal_interest_id", K.REF, "interests.csv: the interest it was recused for"),
        ("recusal_note", K.TEXT, "Note on the recusal"), ("recused_at", K.TIME, "When"),
    ), where=_via(dm.Seat.decision_id, dm.Decision)),
    _table(dm.Vote, "votes", "Every vote cast, including those a later vote replaced.", (
        ID, DECISION, ("seat_id", K.REF, "seats.csv: the seat it was cast for"),
        ("organisation", K.TEXT, "The seat's organisation",
         _SEAT_ORG.where(dm.Seat.id == dm.Vote.seat_id).scalar_subquery()),
        ("position", K.CODE, "agree, abstain (stand aside), disagree or block"),
        ("reason", K.TEXT, "The reason given"),
        ("citations", K.JSON, "Codes of the principles and values the reason cites"),
        ("cast_by", K.TEXT, "Name of who cast it", person(dm.Vote.cast_by_id)),
        ("cast_as", K.CODE, "As the seat's representative or its alternate"),
        ("cast_at", K.TIME, "When it was cast"),
        ("is_current", K.BOOL, "Whether it is the seat's latest vote, the one that counts"),
    ), where=_via(dm.Vote.decision_id, dm.Decision)),
    _table(dm.DeadlockCase, "deadlock_cases", "The deadlock path of decisions not carried.", (
        ID, DECISION, ("opened_at", K.TIME, "When the path started"),
        ("resolution", K.CODE, "How it was resolved; empty while open"),
        ("resolved_at", K.TIME, "When it was resolved"),
    ), where=_via(dm.DeadlockCase.decision_id, dm.Decision)),
    _table(dm.DeadlockStep, "deadlock_steps", "Each step of a deadlock path.", (
        ID, ("case_id", K.REF, "deadlock_cases.csv: the case"), ("stage", K.CODE, "The stage"),
        ("started_at", K.TIME, "When it started"), ("due_at", K.TIME, "When it is due to end"),
        ("notes", K.TEXT, "Notes"), ("recorded_by", K.TEXT, BY, dm.DeadlockStep.recorded_by_label),
    ), where=lambda a: dm.DeadlockStep.case_id.in_(select(dm.DeadlockCase.id).where(
        dm.DeadlockCase.decision_id.in_(_ids(dm.Decision, a))))),
    _table(dm.BudgetEffect, "budget_effects", "Allocation a decision moves if it carries.", (
        ID, DECISION, ("financial_year", K.YEAR, "The year whose allocation moves"),
        ("from_organisation_id", K.REF, "organisations.csv: whose allocation goes down"),
        ("from_service_line", K.TEXT, "Its service line; empty: the whole allocation"),
        ("to_organisation_id", K.REF, "organisations.csv: whose allocation goes up"),
        ("to_service_line", K.TEXT, "Its service line; empty: the whole allocation"),
        ("amount", K.MONEY, "The amount moved"),
    ), where=_via(dm.BudgetEffect.decision_id, dm.Decision)),
    _table(gm.FinancialYear, "financial_years", "The financial years budgeted for.", (
        ID, ("start_year", K.YEAR, "The year"), ("created_at", K.TIME, "When it was added"),
    ), order=(gm.FinancialYear.start_year,)),
    _table(gm.CostCategory, "cost_categories", "Open-book cost and income categories.", (
        ID, ("name", K.TEXT, "The category"),
        ("limb", K.CODE, "limb1 (direct costs), limb2 (overhead and profit) or income"),
        ("synonyms", K.TEXT, "Other names ledgers use for it, one a line"),
        ("position", K.INT, "Place in the list"), ("created_at", K.TIME, "When it was added"),
    ), order=(gm.CostCategory.position, gm.CostCategory.id)),
    _table(gm.ServiceLine, "service_lines", "The services the alliance commissions.", (
        ID, ("name", K.TEXT, "The service line"),
        ("synonyms", K.TEXT, "Other names ledgers use for it, one a line"),
        ("position", K.INT, "Place in the list"), ("created_at", K.TIME, "When it was added"),
    ), order=(gm.ServiceLine.position, gm.ServiceLine.id)),
    _table(gm.LedgerVersion, "ledger_versions", "Every submitted version of every open-book "
           "ledger; none is ever edited.", (
        ID, ("organisation_id", K.REF, "organisations.csv: whose ledger"),
        ("organisation", K.TEXT, "That organisation's name", org(gm.LedgerVersion.organisation_id)),
        ("period_start", K.DATE, "First day of the first month it covers"),
        ("period_end", K.DATE, "First day of the last month it covers"),
        ("number", K.INT, "1 for the first version for this period, then 2, 3…"),
        ("filename", K.TEXT, "Name of the file submitted"),
        ("file_sha256", K.HASH, "Hash of that file, to check a copy against"),
        ("encoding", K.TEXT, "Text encoding a CSV file was read in; empty for spreadsheets"),
        ("source_sheet", K.TEXT, "The worksheet read"),
        ("mapping", K.JSON, "Which column of the file became which field"),
        ("notices", K.JSON, "Warnings kept with the version"),
        ("line_count", K.INT, "Number of its lines in ledger_lines.csv"),
        ("total", K.MONEY, "Sum of its lines' amounts"),
        ("submitted_by", K.TEXT, "Name of the submitter; empty: from the command line",
         person(gm.LedgerVersion.submitted_by_id)),
        ("submitted_at", K.TIME, "When it was submitted"),
    )),
    _table(gm.LedgerLine, "ledger_lines", "Every line of every ledger version.", (
        ID, ("version_id", K.REF, "ledger_versions.csv: its version"),
        ("position", K.INT, "Order within the version"),
        ("source", K.TEXT, "Where the amount is in the file, such as Ledger!F14"),
        ("period_start", K.DATE, "First day of its month or year; empty: the whole period"),
        ("period_months", K.INT, "Months it covers: 1 for a month, 12 for a year"),
        ("cost_category_id", K.REF, "cost_categories.csv: its category"),
        ("category_text", K.TEXT, "The category as written in the file"),
        ("service_line_id", K.REF, "service_lines.csv: its service line"),
        ("service_line_text", K.TEXT, "The service line as written in the file"),
        ("limb", K.CODE, "limb1, limb2 or income"), ("description", K.TEXT, "Description"),
        ("counterparty", K.TEXT, "Supplier or payer"),
        ("reference", K.TEXT, "Reference in the provider's books"),
        ("amount", K.MONEY, "The amount"), ("budget", K.MONEY, "A budget beside it, if given"),
        ("formula", K.BOOL, "Whether the cell held a formula (the amount is its value)"),
    ), where=_via(gm.LedgerLine.version_id, gm.LedgerVersion)),
)  # fmt: skip
