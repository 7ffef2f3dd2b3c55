"""The open-data archive's learning, pool and record files; with the register's,
decisions' and ledgers' (opendata_columns), every file the archive holds: TABLES."""

from sqlalchemy import select

from alliance.audit import models as au
from alliance.learning import models as lm
from alliance.reports import models as rm
from alliance.reports.opendata_columns import (
    ENTRY,
    ID,
    REGISTER_TABLES,
    WHEN,
    K,
    Table,
    _ids,
    _recorded,
    _table,
    _via,
    org,
    person,
)

TABLES: tuple[Table, ...] = (
    *REGISTER_TABLES,
    _table(lm.LearningEntry, "learning_entries", "The learning log as it stands.", (
        ID, ("number", K.INT, "Its number: entry 3 is L-3"),
        ("kind", K.CODE, "experiment, listening or reflection"),
        ("status", K.CODE, "Where it is"), ("title", K.TEXT, "Title"),
        ("summary", K.TEXT, "What we are trying and why, heard, or reflect on"),
        ("involved", K.TEXT, "Who is involved"),
        ("starts_on", K.DATE, "Start"), ("ends_on", K.DATE, "End"),
        ("is_legal", K.BOOL, "Is it legal? Empty: not answered"),
        ("legal_basis", K.TEXT, "Basis of that answer"),
        ("is_safe", K.BOOL, "Is it safe? Empty: not answered"),
        ("safe_basis", K.TEXT, "Basis of that answer"), ("happened", K.TEXT, "What happened"),
        ("learned_good", K.TEXT, "What went well"), ("learned_bad", K.TEXT, "What did not"),
        ("next_step", K.CODE, "What next"), ("next_step_note", K.TEXT, "Note on it"),
        ("themes", K.JSON, "Themes, a list of text"),
        ("principles", K.JSON, "Codes of principles it relates to"),
        ("values", K.JSON, "Codes of values it relates to"),
        ("links", K.TEXT, "Links to papers, one a line"),
        ("author", K.TEXT, "Name of its author", person(lm.LearningEntry.author_id)),
        ("revision", K.INT, "How many times it has been written"),
        ("created_at", K.TIME, WHEN), ("updated_at", K.TIME, "When it was last edited"),
    )),
    _table(lm.EntryRevision, "learning_revisions", "Every revision of every entry.", (
        ID, ENTRY, ("number", K.INT, "Revision number"),
        ("content", K.JSON, "Every field of the entry as written (dates as ISO text)"),
        ("edited_by", K.TEXT, "Name of the writer", person(lm.EntryRevision.edited_by_id)),
        ("edited_at", K.TIME, "When"),
    ), where=_via(lm.EntryRevision.entry_id, lm.LearningEntry)),
    _table(lm.EntryCitation, "learning_citations", "What learning entries cite.", (
        ID, ENTRY, ("decision_id", K.REF, "decisions.csv: a decision cited"),
        ("ledger_line_id", K.REF, "ledger_lines.csv: a ledger line cited"),
        ("service_line_id", K.REF, "service_lines.csv: a budget line cited"),
        ("note", K.TEXT, "Note"),
    ), where=_via(lm.EntryCitation.entry_id, lm.LearningEntry)),
    _table(lm.ReviewQuestion, "review_questions", "The board's questions on entries.", (
        ID, ENTRY, ("text", K.TEXT, "The question"),
        ("asked_by", K.TEXT, "Name of who asked", person(lm.ReviewQuestion.asked_by_id)),
        ("asked_at", K.TIME, "When"),
    ), where=_via(lm.ReviewQuestion.entry_id, lm.LearningEntry)),
    _table(lm.ReviewAnswer, "review_answers", "Answers to the board's questions.", (
        ID, ("question_id", K.REF, "review_questions.csv: question"), ("text", K.TEXT, "Answer"),
        ("answered_by", K.TEXT, "Name of who answered", person(lm.ReviewAnswer.answered_by_id)),
        ("answered_at", K.TIME, "When"),
    ), where=lambda a: lm.ReviewAnswer.question_id.in_(select(lm.ReviewQuestion.id).where(
        lm.ReviewQuestion.entry_id.in_(_ids(lm.LearningEntry, a))))),
    _table(lm.AssuranceStatement, "assurance_statements", "The board's assurance statements.", (
        ID, ("number", K.INT, "Its number: statement 1 is AS-1"),
        ("period_start", K.DATE, "First day of the period it covers"),
        ("period_end", K.DATE, "Last day of the period it covers"),
        ("assured_that", K.TEXT, "We are assured that…"), ("because", K.TEXT, "…because…"),
        ("figures", K.TEXT, "The figures it rests on, in words"),
        ("revisits_id", K.REF, "assurance_statements.csv: an earlier one it revisits"),
        ("rests_on", K.JSON, "Ids of the entries and decisions it rests on"),
        *_recorded(lm.AssuranceStatement),
    )),
    _table(lm.Measure, "measures", "Measures to learn from: no targets, no thresholds.", (
        ID, ("name", K.TEXT, "The measure"), ("unit", K.TEXT, "Unit of its values"),
        ("source", K.TEXT, "Where the figures come from"),
        ("definition", K.TEXT, "How it is defined"), ("created_at", K.TIME, "When it was added"),
    )),
    _table(lm.MeasureValue, "measure_values", "Each period's value of each measure.", (
        ID, ("measure_id", K.REF, "measures.csv: the measure"),
        ("period_start", K.DATE, "First day of the period"),
        ("period_label", K.TEXT, "The period, as people say it"),
        ("value", K.DECIMAL, "The value, in the measure's unit"),
        ("commentary", K.TEXT, "What people make of it"), *_recorded(lm.MeasureValue),
    ), where=_via(lm.MeasureValue.measure_id, lm.Measure)),
    _table(rm.PoolContribution, "pool_contributions", "Money commissioners put into the pool; "
           "a change is a further row.", (
        ID, ("financial_year", K.YEAR, "The year"),
        ("organisation_id", K.REF, "organisations.csv: the commissioner"),
        ("organisation", K.TEXT, "Its name", org(rm.PoolContribution.organisation_id)),
        ("amount", K.MONEY, "Amount put in; negative: a reduction"),
        ("note", K.TEXT, "Reason or note"), *_recorded(rm.PoolContribution),
    )),
    _table(rm.OpeningAllocation, "opening_allocations", "Allocations each year opened with.", (
        ID, ("financial_year", K.YEAR, "The year"),
        ("organisation_id", K.REF, "organisations.csv: the provider"),
        ("organisation", K.TEXT, "Its name", org(rm.OpeningAllocation.organisation_id)),
        ("service_line", K.TEXT, "Service line; empty: the allocation as a whole"),
        ("amount", K.MONEY, "Amount allocated"), *_recorded(rm.OpeningAllocation),
    )),
    _table(au.AuditEvent, "audit_events", "The alliance's tamper-evident record, in order.", (
        ID, ("seq", K.INT, "Place in the chain: 1, 2, 3… with no gaps"),
        ("occurred_at", K.TIME, "When it happened"),
        ("actor_user_id", K.INT, "user_id (people.csv) of who did it; empty: not a person"),
        ("actor", K.TEXT, "Who did it: a name, or command line", au.AuditEvent.actor_label),
        ("organisation_id", K.REF, "organisations.csv: whom they acted for"),
        ("action", K.TEXT, "What was done, such as vote_cast"),
        ("object_type", K.TEXT, "What it was done to"),
        ("object_id", K.TEXT, "Its id or reference"),
        ("summary", K.JSON, "What changed, in brief"),
        ("prev_hash", K.HASH, "The hash of the event before; 64 zeros for the first"),
        ("hash", K.HASH, "Hash of prev_hash and this event's full content"),
    ), where=lambda a: au.AuditEvent.chain_id.in_(
        select(au.AuditChain.id).where(au.AuditChain.alliance_id == a)),
       order=(au.AuditEvent.seq,)),
    _table(rm.RiskShareAgreement, "risk_share_agreements", "How the board agreed to share "
           "each year's gain or loss; the newest for a year is in force.", (
        ID, ("financial_year", K.YEAR, "The year"),
        ("provider_cap", K.MONEY, "The most the providers together carry of a loss; empty: "
         "no cap"),
        ("bands", K.JSON, "Bands of the variance: [{up_to (pounds, or null for the rest), "
         "percents {organisation id: percent}}]; [] shares it all by the members' shares"),
        ("note", K.TEXT, "Where the board agreed it"), *_recorded(rm.RiskShareAgreement),
    )),
    _table(rm.RiskShareMember, "risk_share_members", "Each member's share of each pound of "
           "gain or loss, per agreement.", (
        ID, ("agreement_id", K.REF, "risk_share_agreements.csv: the agreement"),
        ("organisation_id", K.REF, "organisations.csv: the member"),
        ("organisation", K.TEXT, "Its name", org(rm.RiskShareMember.organisation_id)),
        ("percent", K.DECIMAL, "Its share, a percentage such as 33.33"),
    ), where=_via(rm.RiskShareMember.agreement_id, rm.RiskShareAgreement)),
)  # fmt: skip
