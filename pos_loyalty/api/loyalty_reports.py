"""GET /api/v1/reports/loyalty, /reports/ranking and /reports/clients.csv: the chain's loyalty figures, the
ranking of its clients and every client as a spreadsheet (managers). What each figure counts is written in
services/loyalty_reports.py."""
from __future__ import annotations

from flask import Response

from pos_loyalty.schemas.reports import LoyaltyFiguresSchema, RankingPageSchema, RankingQuerySchema
from pos_loyalty.services.loyalty_reports import (RankingFilters, export_clients,
                                                  loyalty_figures, ranking_page)
from pos_loyalty.streaming import streamed_apart

from .auth import current_actor, requires
from .reports import bp


@bp.route("/loyalty", methods=["GET"])
@requires("manager")
@bp.response(200, LoyaltyFiguresSchema)
def loyalty():
    """Active members, points distributed, referrals, rewards redeemed, the top 3, the most popular rewards,
    the points expiring within 30 days and the points earned and redeemed in each of the last 12 months.
    Clients and points are the chain's: every salon's manager gets the same figures (the salon's own time
    zone gives the days). An erased client counts in the totals and never shows by name."""
    return loyalty_figures(current_actor())


def filters_of(query: dict) -> RankingFilters:
    return RankingFilters(min_points=query.get("min_points"), has_referrals=query.get("has_referrals"),
                          has_rewards=query.get("has_rewards"), q=query.get("q"))


@bp.route("/ranking", methods=["GET"])
@requires("manager")
@bp.arguments(RankingQuerySchema, location="query")
@bp.response(200, RankingPageSchema)
def ranking(query):
    """The chain's clients, best first: by lifetime points earned, ties by name then id; paged like the
    ledger (`next` is the cursor of the following page, null at the end). Each item's `rank` is the
    client's place among every client, whatever the filters."""
    items, following = ranking_page(current_actor(), filters_of(query), query.get("cursor"), query["limit"])
    return {"items": items, "next": following}


@bp.route("/clients.csv", methods=["GET"])
@requires("manager")
@bp.response(200, content_type="text/csv")
def clients_csv():
    """Every client (erased ones left out) with balance, lifetime points, rewards redeemed, referrals and last
    visit: UTF-8 CSV with a BOM, one header row, streamed in batches (memory independent of the number of
    clients). A text cell that a spreadsheet would take for a formula starts with an apostrophe."""
    actor = current_actor()
    filename, chunks = export_clients(actor)
    return Response(streamed_apart(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
