"""Pages of the pooled budget. Thin: read, call a service, redirect; the request commits."""

from alliance.reports.views import pack, pool, records
from alliance.reports.views.common import bp

__all__ = ["bp", "pack", "pool", "records"]
