"""alliance: governance for alliance contracts."""

from flask import Flask
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from alliance.config import PROJECT_ROOT, load_config

csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    """Build the application: settings, database, extensions, then blueprints."""
    settings = load_config(config)
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=settings["INSTANCE_PATH"],
    )
    app.config.update(settings)
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from alliance import filters, web
    from alliance.auth import passwords
    from alliance.db import db

    passwords.configure(
        time_cost=app.config["ARGON2_TIME_COST"],
        memory_kib=app.config["ARGON2_MEMORY_KIB"],
        parallelism=app.config["ARGON2_PARALLELISM"],
    )
    db.init_app(app)
    csrf.init_app(app)
    web.init_app(app)
    filters.init_app(app)

    from alliance.api import decisions as _api_decisions  # noqa: F401 (registers its routes)
    from alliance.api import learning as _api_learning  # noqa: F401 (registers its routes)
    from alliance.api import ledgers as _api_ledgers  # noqa: F401 (registers its routes)
    from alliance.api import measures as _api_measures  # noqa: F401 (registers its routes)
    from alliance.api import reports as _api_reports  # noqa: F401 (registers its routes)
    from alliance.api.views import bp as api_bp
    from alliance.audit.views import bp as audit_bp
    from alliance.auth import second_factor_views as _second_factor  # noqa: F401 (routes)
    from alliance.auth.views import bp as auth_bp
    from alliance.decisions import export_views as _decision_exports  # noqa: F401
    from alliance.decisions.views import bp as decisions_bp
    from alliance.decisions.views import needs as decision_needs
    from alliance.learning.views import bp as learning_bp
    from alliance.learning.views.common import learning_citations
    from alliance.ledgers.views import bp as ledgers_bp
    from alliance.members.views import bp as members_bp
    from alliance.members.views import home_bp
    from alliance.reports.views import bp as reports_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(decisions_bp)
    app.register_blueprint(ledgers_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(audit_bp)
    # What each domain asks of a person on their dashboard ("what needs me").
    app.extensions["alliance.needs"] = [decision_needs]
    # What cites a decision or a ledger version, shown on its page (links both ways).
    app.extensions["alliance.cited_by"] = [learning_citations]
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # bearer tokens only: a browser never sends them by itself
    return app
