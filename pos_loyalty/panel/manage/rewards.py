"""/manage/rewards (being built)."""
from flask import render_template

from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import manager_page


@bp.route("/rewards")
@manager_page
def rewards():
    return render_template("manage/base.html")
