"""Pages of the open-book ledgers. Thin: read, call a service, redirect; the request commits."""

from alliance.ledgers.views import ledgers, structure, uploads
from alliance.ledgers.views.common import bp

__all__ = ["bp", "ledgers", "structure", "uploads"]
