"""The rules of a learning log, pure: the minimal gate, which status an entry may take, and
what makes an entry complete. No Flask, no database; nothing here scores or ranks."""

import enum
from dataclasses import dataclass
from datetime import date


class EntryKind(enum.StrEnum):
    EXPERIMENT = "experiment"  # a safe-fail try
    LISTENING = "listening"  # what people using services, staff or communities told us
    REFLECTION = "reflection"


class EntryStatus(enum.StrEnum):
    IDEA = "idea"
    RUNNING = "running"
    REFLECTING = "reflecting"
    CLOSED = "closed"


class NextStep(enum.StrEnum):
    EMBED = "embed"
    ADAPT = "adapt"
    STOP = "stop"
    TRY_SOMETHING_ELSE = "try_something_else"


TITLE_LIMIT = 200
THEME_LIMIT = 60
THEMES_PER_ENTRY = 12


@dataclass(frozen=True)
class Gate:
    """The two questions an experiment answers before it starts, each with a short basis."""

    is_legal: bool | None
    legal_basis: str
    is_safe: bool | None
    safe_basis: str

    def problems(self) -> list[str]:
        """What is missing before the answers can be recorded."""
        found = []
        for answer, basis, question in (
            (self.is_legal, self.legal_basis, "Is it legal?"),
            (self.is_safe, self.safe_basis, "Is it safe?"),
        ):
            if answer is None:
                found.append(f"Answer “{question}” yes or no.")
            elif not basis.strip():
                found.append(f"Give the basis for your answer to “{question}”.")
        return found

    @property
    def passed(self) -> bool:
        return bool(self.is_legal and self.is_safe and not self.problems())

    @property
    def why_not(self) -> str:
        """Why an experiment stays an idea: the basis of each no, in the gate's words."""
        reasons = []
        if self.is_legal is False:
            reasons.append(f"Not legal: {self.legal_basis.strip()}")
        if self.is_safe is False:
            reasons.append(f"Not safe: {self.safe_basis.strip()}")
        return " ".join(reasons)


def gate_of(entry) -> Gate:
    return Gate(entry.is_legal, entry.legal_basis or "", entry.is_safe, entry.safe_basis or "")


def status_problem(kind: EntryKind, gate: Gate, status: EntryStatus) -> str | None:
    """Why an entry of ``kind`` with this gate may not take ``status``, or None."""
    if kind is EntryKind.EXPERIMENT and status is not EntryStatus.IDEA and not gate.passed:
        if gate.is_legal is False or gate.is_safe is False:
            return f"The experiment stays an idea. {gate.why_not}"
        return "An experiment starts only once it has passed the gate: is it legal, is it safe?"
    return None


def dates_problem(starts_on: date | None, ends_on: date | None) -> str | None:
    if starts_on and ends_on and ends_on < starts_on:
        return "The end date is before the start date."
    return None


def clean_themes(raw: list[str] | str) -> list[str]:
    """Themes as people type them ("Alcohol, outreach; Alcohol") kept once each, in order."""
    parts = raw.replace(";", ",").split(",") if isinstance(raw, str) else raw
    themes: list[str] = []
    seen = set()
    for part in parts:
        theme = " ".join(str(part).split())[:THEME_LIMIT]
        if theme and theme.casefold() not in seen:
            seen.add(theme.casefold())
            themes.append(theme)
    return themes[:THEMES_PER_ENTRY]
