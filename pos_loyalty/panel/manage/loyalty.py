"""/manage/loyalty: the loyalty ranking — the chain's figures, the top 3, the most popular rewards, the points
expiring soon, a chart of the last 12 months and the whole ranking with its filters; /manage/loyalty/clients.csv
is the export button's file.

The figures and the ranking are GET /reports/loyalty and GET /reports/ranking (services/loyalty_reports.py);
the filters are a GET form checked by the API's own RankingQuerySchema and paged with the API's cursor. With
htmx the form redraws the ranking in place (the fragment _loyalty_ranking.html); without JavaScript it is a
plain GET of the page. The chart is an inline SVG drawn here (no script, no inline style: the CSP).
"""
from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Response, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from pos_loyalty.core.errors import DomainError
from pos_loyalty.panel.context import date_locale, number_locale
from pos_loyalty.panel.forms import FormErrors, domain_errors, load_form
from pos_loyalty.panel.manage import bp
from pos_loyalty.panel.manage.page import acting_manager, manager_page, render_form
from pos_loyalty.schemas.reports import RankingQuerySchema
from pos_loyalty.services.loyalty_reports import (RankingFilters, export_clients,
                                                  decode_rank_cursor, loyalty_figures, ranking_page)
from pos_loyalty.streaming import streamed_apart

PER_PAGE = 25
FILTERS = ("min_points", "has_referrals", "has_rewards", "q")

# The chart's drawing, in the SVG's own units (it scales to the page's width).
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 16, 40


def nice_ceiling(value: int) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least the value (10 for an empty year)."""
    if value <= 10:
        return 10
    power = 1
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def number(value: int) -> str:
    return format_decimal(value, locale=number_locale())


def month_name(first_day: date, pattern: str = "LLL") -> str:
    return format_date(first_day, pattern, locale=date_locale())


def chart(months: list[dict]) -> dict:
    """Bars of points earned and redeemed per month, with the axis' ticks, in the panel's language."""
    top = nice_ceiling(max([m["earned"] for m in months] + [m["redeemed"] for m in months] + [0]))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / len(months)
    bar = slot * 0.36
    groups = []
    for index, month in enumerate(months):
        x = LEFT + index * slot + slot * 0.12
        bars = []
        for offset, key in ((0, "earned"), (bar, "redeemed")):
            height = round(plot_height * month[key] / top, 1)
            bars.append({"kind": key, "x": round(x + offset, 1), "y": round(TOP + plot_height - height, 1),
                         "width": round(bar, 1), "height": height, "value": month[key]})
        first = month["first_day"]
        groups.append({"month": month["month"], "bars": bars, "label": month_name(first),
                       "year": str(first.year) if index == 0 or first.month == 1 else "",
                       "label_x": round(LEFT + index * slot + slot / 2, 1),
                       "long": month_name(first, "LLLL yyyy"), "earned": month["earned"],
                       "redeemed": month["redeemed"]})
    ticks = [{"y": round(TOP + plot_height - plot_height * share, 1), "label": number(int(top * share))}
             for share in (0, 0.5, 1)]  # the axis top is 1, 2 or 5 × 10ⁿ: its half is a round number too
    busiest = max(months, key=lambda m: m["earned"]) if months else None
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "base": TOP + plot_height, "groups": groups, "ticks": ticks,
            "first": groups[0]["long"] if groups else "", "last": groups[-1]["long"] if groups else "",
            "busiest": busiest and busiest["earned"] and {"month": month_name(busiest["first_day"], "LLLL yyyy"),
                                                          "points": number(busiest["earned"])}}


def given_filters() -> MultiDict:
    """The query without its empty fields: an empty box or "any" is no filter (the schema would read an empty
    switch as false)."""
    return MultiDict([(key, value) for key, value in request.args.items(multi=True) if value.strip() != ""])


def ranking_part() -> tuple[dict, dict]:
    """The ranking's page for the query (its items, the next page's address) and the errors by field."""
    errors: dict = {}
    query: dict = {}
    try:
        query = load_form(RankingQuerySchema(), given_filters())
        if query.get("cursor"):
            decode_rank_cursor(query["cursor"])
    except FormErrors as refused:
        errors = refused.errors
    except DomainError as error:  # a cursor this page did not give
        errors = domain_errors(error).errors
    filters = {name: request.args.get(name) for name in FILTERS if request.args.get(name, "").strip()}
    if errors:
        return {"items": [], "next_url": None, "first_url": None, "filters": filters}, errors
    items, following = ranking_page(acting_manager(), RankingFilters(
        min_points=query.get("min_points"), has_referrals=query.get("has_referrals"),
        has_rewards=query.get("has_rewards"), q=query.get("q")), query.get("cursor"), PER_PAGE)
    return {"items": items, "filters": filters,
            "next_url": url_for("manage.loyalty", **filters, cursor=following) if following else None,
            "first_url": url_for("manage.loyalty", **filters) if query.get("cursor") else None}, errors


@bp.route("/loyalty")
@manager_page
def loyalty():
    ranking, errors = ranking_part()
    in_place = (request.headers.get("HX-Request") == "true"
                and request.headers.get("HX-History-Restore-Request") != "true")  # a restore wants the page
    if in_place:  # the filters or a page of the ranking, redrawn in place
        return render_form("manage/_loyalty_ranking.html", errors=errors, ranking=ranking,
                           filter_labels=filter_labels(), number=number)
    figures = loyalty_figures(acting_manager())
    return render_form("manage/loyalty.html", errors=errors, ranking=ranking, figures=figures,
                       chart=chart(figures["months"]), choices=choice_words(), number=number,
                       filter_labels=filter_labels())


@bp.route("/loyalty/clients.csv")
@manager_page
def loyalty_csv():
    """The same file as GET /api/v1/reports/clients.csv, for the signed-in manager."""
    actor = acting_manager()
    filename, chunks = export_clients(actor)
    return Response(streamed_apart(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def choice_words() -> dict:
    return {"has_referrals": [("", _("Any")), ("true", _("Has referred someone")), ("false", _("Has referred nobody"))],
            "has_rewards": [("", _("Any")), ("true", _("Has redeemed a reward")), ("false", _("Has never redeemed"))]}



def filter_labels() -> dict:
    return {"min_points": _("Points earned at least"), "has_referrals": _("Referrals"), "has_rewards": _("Rewards"),
            "q": _("Name")}
