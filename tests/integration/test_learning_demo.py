"""The demo's learning log: each kind, the gate both ways, a thread and a statement."""

from sqlalchemy import select

from alliance.db import db
from alliance.learning import services
from alliance.learning.models import LearningEntry
from alliance.learning.rules import EntryKind, EntryStatus
from alliance.members.models import Alliance


def test_the_demo_has_entries_of_every_kind_a_review_thread_and_a_statement(cli, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", "demo passphrase for tests")
    assert cli("demo").exit_code == 0
    with app.app_context():
        session = db.session
        alliance = session.scalar(select(Alliance).where(Alliance.slug == "riverside"))
        entries = session.scalars(select(LearningEntry).order_by(LearningEntry.number)).all()
        assert {e.kind for e in entries} == set(EntryKind)
        vape, outreach = entries[0], entries[1]
        assert (vape.status, vape.revision, vape.is_safe) == (EntryStatus.REFLECTING, 3, True)
        assert (outreach.status, outreach.is_safe) == (EntryStatus.IDEA, False)
        assert [len(q.answers) for q in vape.questions] == [1]
        carried = outreach.citations[0].decision
        assert [e.reference for e in services.entries_citing_decision(session, carried)] == ["L-2"]
        (statement,) = services.statements_of(session, alliance)
        assert statement.rests_on["entries"] == [1, 2, 4]
    assert cli("audit", "verify").exit_code == 0
