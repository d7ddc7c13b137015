"""/manage/versions and /manage/audit (being built)."""
from flask import render_template

from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import manager_page


@bp.route("/versions")
@manager_page
def versions():
    return render_template("manage/base.html")


@bp.route("/audit")
@manager_page
def audit():
    return render_template("manage/base.html")
