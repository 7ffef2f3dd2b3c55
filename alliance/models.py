"""Import every domain's models so the metadata (and Alembic) sees all tables."""

from alliance.audit import models as audit_models
from alliance.auth import models as auth_models
from alliance.db import Base
from alliance.decisions import models as decisions_models
from alliance.learning import models as learning_models
from alliance.ledgers import models as ledgers_models
from alliance.members import models as members_models
from alliance.reports import models as reports_models

__all__ = [
    "Base",
    "audit_models",
    "auth_models",
    "decisions_models",
    "learning_models",
    "ledgers_models",
    "members_models",
    "reports_models",
]
