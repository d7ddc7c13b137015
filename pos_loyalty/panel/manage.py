"""The manager's pages (the back office grows here); cashiers are refused."""
from __future__ import annotations

from flask import Blueprint, render_template

from pos_loyalty.panel.auth import staff_required
from pos_loyalty.services.context import current_program
from pos_loyalty.services.program import list_rewards, list_rules

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.route("/")
@staff_required(manager=True)
def index():
    return render_template("manage.html", program=current_program(), rules=list_rules(), rewards=list_rewards())
