"""/manage/staff (being built)."""
from flask import render_template

from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import manager_page


@bp.route("/staff")
@manager_page
def staff():
    return render_template("manage/base.html")
