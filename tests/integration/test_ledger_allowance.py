"""How much one person may upload and one organisation may keep (SECURITY.md item 21)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from alliance.ledgers import services
from alliance.ledgers.models import LedgerUpload, LedgerUploadAttempt, LedgerVersion
from tests.integration.test_ledger_submit import (
    V1,
    V2,
    alliance_of,
    counts,
    org,
    person,
    session,  # noqa: F401 (the fixture)
    stage,
)


def numbered(n: int) -> bytes:
    """A different small ledger each time, so none is "already imported"."""
    return V1.replace(b"Hub lease", f"Hub lease {n}".encode())


def test_the_eleventh_new_file_in_ten_minutes_is_429_with_the_wait(session, world):  # noqa: F811
    trust = org(session, world)
    for n in range(10):
        upload, preview = stage(session, "finance_lead", numbered(n), organisation=trust)
        assert upload is not None, preview
    session.commit()

    with pytest.raises(services.TooManyUploads) as refused:
        stage(session, "finance_lead", numbered(10), organisation=trust)
    assert refused.value.status == 429
    assert refused.value.message == (
        "You have uploaded 10 files in the last 10 minutes; the limit is 10. "
        "Try again in 10 minutes."
    )
    assert refused.value.context["retry_after"] == 600
    session.rollback()
    assert session.scalar(select(func.count()).select_from(LedgerUpload)) == 10

    # Later, the oldest attempt has aged out of the window.
    attempts = session.scalars(
        select(LedgerUploadAttempt).order_by(LedgerUploadAttempt.attempted_at)
    ).all()
    now = attempts[-1].attempted_at
    for attempt in attempts:
        attempt.attempted_at = now - timedelta(minutes=7)
    session.commit()
    with pytest.raises(services.TooManyUploads) as refused:  # 10 still in the window...
        stage(session, "finance_lead", numbered(10), organisation=trust)
    assert refused.value.message.endswith("Try again in 3 minutes.")
    session.rollback()
    attempts[0].attempted_at = now - timedelta(minutes=11)  # ...and now 9
    session.commit()
    upload, _ = stage(session, "finance_lead", numbered(11), organisation=trust)
    assert upload is not None


def test_re_reading_a_staged_file_with_another_mapping_is_not_a_new_upload(session, world):  # noqa: F811
    trust = org(session, world)
    upload, _ = stage(session, "finance_lead", V1, organisation=trust)
    actor = person(session, "finance_lead")
    for _ in range(12):
        services.preview_staged(session, actor, alliance_of(session), upload, scale=1)
    session.commit()
    assert session.scalar(select(func.count()).select_from(LedgerUploadAttempt)) == 1
    for n in range(9):
        assert stage(session, "finance_lead", numbered(n), organisation=trust)[0] is not None


def test_an_organisation_over_its_storage_quota_is_refused_and_nothing_is_stored(
    app,
    session,  # noqa: F811
    world,
):
    trust = org(session, world)
    upload, _ = stage(session, "finance_lead", V1, organisation=trust)
    services.submit_upload(session, person(session, "finance_lead"), alliance_of(session), upload)
    session.commit()
    assert services.stored_bytes(session, trust) == len(V1)

    stage(session, "finance_lead", V2, organisation=trust)
    session.commit()
    assert services.stored_bytes(session, trust) == len(V1) + len(V2)

    app.config["LEDGER_STORAGE_QUOTA_BYTES"] = len(V1) + len(V2) + 100
    before = counts(session)
    with pytest.raises(services.StorageFull) as refused:
        stage(session, "finance_lead", numbered(1), organisation=trust)
    session.rollback()
    assert refused.value.status == 413
    assert "over the 0.0 MB each organisation may keep" in refused.value.message
    assert "Earlier versions are never deleted" in refused.value.message
    assert counts(session) == before
    assert session.scalar(select(func.count()).select_from(LedgerVersion)) == 1

    # Another organisation's files are not counted against this one.
    other = org(session, world, "council")
    assert services.stored_bytes(session, other) == 0
