"""GET /api/v1/reports/salons: the figures of the manager's own salon (a one-row list)."""
from __future__ import annotations

from flask_smorest import Blueprint
from datetime import date

from marshmallow import Schema, fields, validate

from pos_loyalty.services.reports import salon_figures

from .auth import current_actor, requires
from pos_loyalty.schemas.bodies import Strict

bp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Figures for managers")


REPORT_DAYS = validate.Range(min=date(2000, 1, 1), max=date(2099, 12, 31))


class PeriodSchema(Strict):
    date_from = fields.Date(required=True, data_key="from", validate=REPORT_DAYS)
    date_to = fields.Date(required=True, data_key="to", validate=REPORT_DAYS)


class SalonFiguresSchema(Schema):
    salon = fields.String()
    name = fields.String()
    sales_paid = fields.Integer()
    loyal_clients = fields.Integer()
    points_earned = fields.Integer()
    points_redeemed = fields.Integer()
    referral_points = fields.Integer()
    new_clients = fields.Integer()


@bp.route("/salons", methods=["GET"])
@requires("manager")
@bp.arguments(PeriodSchema, location="query")
@bp.response(200, SalonFiguresSchema(many=True))
def figures_per_salon(period):
    """The token's salon: sales with a client, points earned and redeemed, referral points and new clients."""
    return salon_figures(current_actor(), period["date_from"], period["date_to"])


from pos_loyalty.api import loyalty_reports  # noqa: E402,F401 - the ranking's calls, on this blueprint
