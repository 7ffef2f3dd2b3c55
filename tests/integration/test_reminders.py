"""Reminders by e-mail, through a real local SMTP server (aiosmtpd), sent once per seat."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from alliance.db import db
from alliance.decisions.models import Reminder
from alliance.decisions.rules import Position
from tests.integration.decision_board import Board


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("ALLIANCE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ALLIANCE_SMTP_PORT", str(port))
    monkeypatch.setenv("ALLIANCE_SMTP_FROM", "board@alliance.example")
    monkeypatch.setenv("ALLIANCE_BASE_URL", "https://alliance.example")
    yield inbox
    controller.stop()


def test_tick_emails_each_seat_still_to_vote_once_a_day_before_closing(app, cli, smtp):
    board = Board(app)
    with app.app_context():
        decision_id = board.opened(closes_in=timedelta(hours=20))
        board.vote(decision_id, board.reps[0], Position.AGREE)
        reference = board.decision(decision_id).reference
    first = cli("tick")
    assert first.exit_code == 0, first.output
    assert "Reminded 2 seats" in first.output
    recipients = sorted(tuple(sorted(m.rcpt_tos)) for m in smtp.messages)
    assert recipients == [
        ("alt1@board.example", "rep1@board.example"),
        ("alt2@board.example", "rep2@board.example"),
    ]
    body = smtp.messages[0].content.decode()
    assert (
        reference in body
        and f"https://alliance.example/alliances/board/decisions/{reference}" in body
    )
    assert "Reminded 0 seats" in cli("tick").output
    assert len(smtp.messages) == 2


def test_no_reminder_for_a_decision_closing_later_than_a_day(app, cli, smtp):
    board = Board(app)
    with app.app_context():
        board.opened(closes_in=timedelta(days=3))
    assert "Reminded 0 seats" in cli("tick").output
    assert smtp.messages == []


def test_without_smtp_nothing_is_sent_and_the_dashboard_is_the_reminder(app, cli, monkeypatch):
    monkeypatch.delenv("ALLIANCE_SMTP_HOST", raising=False)
    board = Board(app)
    with app.app_context():
        board.opened(closes_in=timedelta(hours=2))
    result = cli("tick")
    assert result.exit_code == 0 and "Reminded" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0
