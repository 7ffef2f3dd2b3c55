"""Pages of the learning log. Thin: read, call a service, redirect; the request commits."""

from alliance.learning.views import entries, measures, review
from alliance.learning.views.common import bp

__all__ = ["bp", "entries", "measures", "review"]
