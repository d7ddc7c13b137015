"""/manage/clients (being built)."""
from flask import render_template

from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import manager_page


@bp.route("/clients")
@manager_page
def clients():
    return render_template("manage/base.html")
