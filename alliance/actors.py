"""Who is doing something: passed to every write service and written to the record."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alliance.auth.models import User


@dataclass(frozen=True)
class Actor:
    user: "User | None"
    #: How the action arrived: web, api or cli.
    via: str = "web"
    ip_address: str | None = None
    #: The member organisation the person acts for in the alliance at hand, if any.
    organisation_id: int | None = None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.email
        return {"cli": "command line", "clock": "closing time"}.get(self.via, "anonymous")

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None


CLI = Actor(user=None, via="cli")
#: Who closes a decision when its closing time passes (by `alliance tick` or on read).
CLOCK = Actor(user=None, via="clock")
