"""Pages of the register. Thin: read, call a service, redirect; the request commits."""

from alliance.members.views import accessibility, people, registers, settings
from alliance.members.views.common import bp, home_bp

__all__ = ["accessibility", "bp", "home_bp", "people", "registers", "settings"]
