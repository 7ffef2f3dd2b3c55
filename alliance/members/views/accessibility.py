"""The accessibility statement: public, like the sign-in page that links to it."""

from flask import render_template

from alliance.members.views.common import home_bp


@home_bp.route("/accessibility", endpoint="accessibility")
def statement():
    return render_template("accessibility.html")
