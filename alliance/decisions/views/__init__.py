"""Pages of the decision register. Thin: read, call a service, redirect; the request commits."""

from alliance.decisions.views import decision, register
from alliance.decisions.views.common import bp
from alliance.decisions.views.register import needs

__all__ = ["bp", "decision", "needs", "register"]
