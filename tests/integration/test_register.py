"""Register services on a real database."""

from alliance.actors import CLI
from alliance.db import db
from alliance.members import services as register


def test_values_keep_the_order_they_were_added_in(app):
    with app.app_context():
        alliance = register.create_alliance(db.session, CLI, name="Ordered", slug="ordered")
        for name in ("Trust", "Honesty", "Learning"):
            register.add_value(db.session, CLI, alliance, name=name)
        db.session.commit()
        db.session.expire_all()
        assert [v.name for v in alliance.values] == ["Trust", "Honesty", "Learning"]
