"""GET /api/v1/reports/loyalty, /reports/ranking and /reports/clients.csv: the chain's loyalty figures, the
ranking of its clients and every client as a spreadsheet (managers). What each figure counts is written in
services/loyalty_reports.py."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

from pos_loyalty.schemas.reports import LoyaltyFiguresSchema, RankingPageSchema, RankingQuerySchema
from pos_loyalty.services.context import salon_time
from pos_loyalty.services.loyalty_reports import (RankingFilters, client_export_rows, loyalty_figures,
                                                  ranking_page)

from .auth import current_actor, requires
from .reports import bp

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


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


def spreadsheet_safe(value) -> str:
    """A text cell a spreadsheet would run as a formula (=, +, -, @) starts with an apostrophe instead."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """The rows as CSV text, one chunk per 200 rows (BOM first, so that spreadsheets read UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", lineterminator="\r\n")
    buffer.write(BOM)
    for count, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_safe(value) for value in row])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


@bp.route("/clients.csv", methods=["GET"])
@requires("manager")
@bp.response(200, content_type="text/csv")
def clients_csv():
    """Every client (erased ones left out) with balance, lifetime points, rewards redeemed, referrals and last
    visit: UTF-8 CSV with a BOM, one header row, streamed in batches (memory independent of the number of
    clients). A text cell that a spreadsheet would take for a formula starts with an apostrophe."""
    actor = current_actor()
    day = salon_time(actor.salon_id).today
    body = stream_with_context(csv_chunks(client_export_rows(actor)))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="clients-{day.isoformat()}.csv"'})
