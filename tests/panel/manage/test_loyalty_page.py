"""/manage/loyalty without a browser: the figures, the podium, the chart and its table, the ranking's GET form
checked by the API's schema (a refusal is a 422 by its field), the htmx fragment, the pages, the CSV button."""
import re

import pytest

from conftest import prepared_fixtures
from test_loyalty_reports import build_year
from tests.panel.logins import csrf_of, log_in


# The year of clients the API tests build, once per module and backend (conftest.Prepared).
prepared, database_url, clock, api, year = prepared_fixtures(build_year, "year")

pytestmark = pytest.mark.sqlite_only


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def ranking_names(page: str) -> list[str]:
    return [name.split()[0] for name in re.findall(r'<td class="name r-name"><a href="/manage/clients/\d+">([^<]+)</a>', page)]


def test_the_page_shows_the_apis_figures_podium_and_chart(api, year, manager):  # noqa: F811
    figures = api.ok("GET", "/reports/loyalty", as_="manager")
    response = manager.get("/manage/loyalty")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for key in ("active_members", "points_distributed", "referrals", "rewards_redeemed", "points_expiring_30_days"):
        card = re.search(rf'data-figure="{key}">\s*<dt>[^<]+</dt>\s*<dd>([^<]+)</dd>', page)
        assert card and card.group(1) == str(figures[key]), key
    podium = re.findall(r'<li class="step step-(\d)" data-rank="\d">.*?<a href="/manage/clients/(\d+)">([^<]+)</a>',
                        page, re.S)
    assert [(int(rank), int(client), name) for rank, client, name in podium] == [
        (item["rank"], item["client_id"], item["name"]) for item in figures["top"]]
    assert "Xavier" not in page  # erased: counted, never named
    # The chart: 12 months of bars, titled and described, with the numbers in a table under it.
    assert page.count('<g class="month"') == 12
    assert re.search(r'<svg[^>]+role="img"[^>]+aria-labelledby="chart-svg-title chart-svg-desc"', page)
    assert "<title id=\"chart-svg-title\">Points earned and redeemed per month, December 2025 to November 2026" in page
    assert "Most points earned in June 2026: 240." in page
    labels = re.findall(r'<text class="label" [^>]+>([^<]+)</text>', page)
    assert labels == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov"]  # en_FR: CLDR writes Sept
    november = re.search(r'<tr data-month="2026-11"><th scope="row">November 2026</th>'
                         r'<td class="amount earned">(\d+)</td><td class="amount redeemed">(\d+)</td>', page)
    assert november and november.groups() == ("140", "100")
    bars = dict(re.findall(r'<g class="month" data-month="2026-06">\s*<rect class="bar (earned)" x="[\d.]+" y="[\d.]+"'
                           r' width="[\d.]+" height="([\d.]+)"', page))
    assert float(bars["earned"]) > 0
    assert ranking_names(page) == ["Éloïse", "Paul", "Zoë", "Ægir", "Nina"]
    for item in api.ok("GET", "/reports/ranking", as_="manager")["items"]:
        assert f'href="/manage/clients/{item["client_id"]}"' in page


def test_the_page_speaks_french_with_french_month_names(year, manager):  # noqa: F811
    page = manager.get("/manage/").get_data(as_text=True)
    manager.post("/language", data={"csrf_token": csrf_of(page), "lang": "fr"})
    page = manager.get("/manage/loyalty").get_data(as_text=True)
    assert "Classement fidélité" in page and "Exporter en CSV" in page
    labels = re.findall(r'<text class="label" [^>]+>([^<]+)</text>', page)
    assert labels[0] == "déc." and labels[6] == "juin"
    assert "novembre 2026" in page


@pytest.mark.parametrize(("query", "expected"), [
    ("min_points=80", ["Éloïse", "Paul"]),
    ("has_referrals=true", ["Éloïse"]),
    ("has_referrals=false", ["Paul", "Zoë", "Ægir", "Nina"]),
    ("has_rewards=true", ["Éloïse", "Zoë"]),
    ("has_rewards=false&min_points=&q=", ["Paul", "Ægir", "Nina"]),
    ("q=eloise", ["Éloïse"]),
    ("q=%C3%A6gir", ["Ægir"]),
    ("has_referrals=&has_rewards=", ["Éloïse", "Paul", "Zoë", "Ægir", "Nina"]),
])
def test_the_filters_are_a_get_form(year, manager, query, expected):  # noqa: F811
    page = manager.get(f"/manage/loyalty?{query}").get_data(as_text=True)
    assert ranking_names(page) == expected
    fragment = manager.get(f"/manage/loyalty?{query}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and body.lstrip().startswith('<div id="ranking-results"')
    assert ranking_names(body) == expected


@pytest.mark.parametrize(("query", "field"), [
    ("min_points=-5", "min_points"), ("min_points=lots", "min_points"), ("has_rewards=perhaps", "has_rewards"),
    ("q=" + "x" * 81, "q"), ("cursor=nope", "cursor"),
])
def test_a_refused_filter_is_a_422_by_its_field(year, manager, query, field):  # noqa: F811
    response = manager.get(f"/manage/loyalty?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'data-field="{field}"' in page and ranking_names(page) == []
    fragment = manager.get(f"/manage/loyalty?{query}", headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and f'data-field="{field}"' in fragment.get_data(as_text=True)
    if field == "min_points":
        assert re.search(r'<input name="min_points"[^>]+aria-invalid="true"', page)


def test_pages_follow_each_other(year, manager, monkeypatch):  # noqa: F811
    from pos_loyalty.panel.manage import loyalty

    monkeypatch.setattr(loyalty, "PER_PAGE", 2)
    seen, url = [], "/manage/loyalty?has_rewards="
    while url:
        page = manager.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        seen += ranking_names(page)
        following = re.search(r'rel="next" href="([^"]+)"', page)
        url = following.group(1).replace("&amp;", "&") if following else None
    assert seen == ["Éloïse", "Paul", "Zoë", "Ægir", "Nina"]
    filtered = manager.get("/manage/loyalty?has_referrals=false").get_data(as_text=True)
    following = re.search(r'rel="next" href="([^"]+)"', filtered).group(1).replace("&amp;", "&")
    assert "has_referrals=false" in following
    assert ranking_names(manager.get(following).get_data(as_text=True)) == ["Ægir", "Nina"]


def test_the_export_buttons_give_the_apis_file(api, year, manager):  # noqa: F811
    assert 'href="/manage/loyalty/clients.csv"' in manager.get("/manage/loyalty").get_data(as_text=True)
    assert 'href="/manage/loyalty/clients.csv"' in manager.get("/manage/clients").get_data(as_text=True)
    response = manager.get("/manage/loyalty/clients.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="clients-2026-11-22.csv"'
    body = response.get_data()  # read to its end before the next request: it streams
    from_api = api.http.get("/api/v1/reports/clients.csv", headers={"Authorization": f"Bearer {api.tokens['manager']}"})
    assert body == from_api.get_data() and body.startswith(b"\xef\xbb\xbf") and "Éloïse".encode() in body
    entries = api.ok("GET", "/audit", query={"action": "client.export_all"}, as_="manager")["items"]
    assert [(entry["staff"], entry["channel"]) for entry in entries] == [("Ana (manager)", "api"), ("Isabelle", "panel")]
    assert "Every client exported (CSV)" in manager.get("/manage/audit").get_data(as_text=True)


def test_cashiers_get_403_and_anonymous_visitors_the_login_page(app, client, staff):
    for path in ("/manage/loyalty", "/manage/loyalty/clients.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].split("?")[0].endswith("/login")
    log_in(client, "Camille", "1234")
    assert client.get("/manage/loyalty").status_code == 403
    assert client.get("/manage/loyalty/clients.csv").status_code == 403
    assert client.get("/manage/loyalty", headers={"HX-Request": "true"}).status_code == 403


def test_an_empty_chain_reads_well(manager):
    page = manager.get("/manage/loyalty").get_data(as_text=True)
    assert "No client has earned points yet." in text(page)
    assert "No points were earned or redeemed in these 12 months." in page
    assert 'aria-current="page">Loyalty ranking</a>' in page
