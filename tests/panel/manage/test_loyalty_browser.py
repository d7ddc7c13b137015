"""/manage/loyalty in Chromium: the filters redraw the ranking in place (no page load with JavaScript), the same
form works without JavaScript, a row leads to the client's page; read at a desk and on a phone, in French and
English (screenshots, nothing sticking out sideways)."""
import pytest

from conftest import prepared_fixtures
from test_loyalty_reports import build_year
from tests.panel.steps import fits_the_screen, log_in


# The year of clients the API tests build, once per module and backend (conftest.Prepared).
prepared, database_url, clock, api, year = prepared_fixtures(build_year, "year")

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]

DESK = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


def document_loads(page) -> list[str]:
    """Every page load of the main frame from now on (htmx's requests and its pushState are none)."""
    loads: list[str] = []
    page.on("request", lambda request: loads.append(request.url)
            if request.is_navigation_request() and request.frame == page.main_frame else None)
    return loads


def test_the_filters_redraw_the_ranking_in_place(live_server, context, year, staff, monkeypatch):  # noqa: F811
    from playwright.sync_api import expect

    from pos_loyalty.panel.manage import loyalty

    monkeypatch.setattr(loyalty, "PER_PAGE", 3)  # the server runs in this process
    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.goto(live_server + "/manage/loyalty")
    rows = page.locator("table.ranking tbody tr")
    expect(rows).to_have_count(3)
    page.wait_for_function("() => window.htmx !== undefined")
    loads = document_loads(page)

    page.get_by_role("link", name="Page suivante").click()  # the next page, in place
    expect(rows.locator("td.name")).to_have_text(["Ægir Olsen", "Nina Bernard"])
    page.get_by_role("link", name="Première page").click()
    expect(rows).to_have_count(3)

    page.select_option("select[name=has_rewards]", "true")
    expect(rows).to_have_count(2)
    expect(rows.locator("td.name")).to_have_text(["Éloïse Müller-Ñúñez", "Zoë Martin"])
    page.wait_for_function("() => location.search.includes('has_rewards=true')")  # the address follows

    page.select_option("select[name=has_rewards]", "")
    page.fill("input[name=q]", "zoe")  # typing is enough: no Enter needed
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td.name")).to_have_text("Zoë Martin")

    page.fill("input[name=q]", "")
    page.fill("input[name=min_points]", "80")
    page.get_by_role("button", name="Filtrer").click()  # the panel in French (fr-FR)
    expect(rows.locator("td.name")).to_have_text(["Éloïse Müller-Ñúñez", "Paul Durand"])

    page.select_option("select[name=has_referrals]", "false")
    expect(rows.locator("td.name")).to_have_text(["Paul Durand"])

    page.fill("input[name=min_points]", "-3")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#ranking-results [data-field=min_points]")).to_be_visible()
    expect(rows).to_have_count(0)
    assert loads == [], loads  # every step above answered in place

    page.get_by_role("link", name="Tout le monde").click()
    expect(rows).to_have_count(3)
    rows.first.get_by_role("link", name="Éloïse Müller-Ñúñez").click()
    expect(page.get_by_role("heading", name="Éloïse Müller-Ñúñez")).to_be_visible()
    assert "/manage/clients/" in page.url


def test_the_form_works_without_javascript(browser, live_server, year, staff):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESK, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server, "Isabelle", "9876")
        page.goto(live_server + "/manage/loyalty")
        page.select_option("select[name=has_referrals]", "true")
        page.get_by_role("button", name="Filtrer").click()
        expect(page.locator("table.ranking tbody tr td.name")).to_have_text(["Éloïse Müller-Ñúñez"])
        assert "has_referrals=true" in page.url
        expect(page.locator("select[name=has_referrals]")).to_have_value("true")
    finally:
        context.close()


def test_the_page_reads_well_in_french_and_english(live_server, context, year, staff, shoot):  # noqa: F811
    from playwright.sync_api import expect

    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    for language, button in (("fr", "FR"), ("en", "EN")):
        page.goto(live_server + "/manage/loyalty")
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(".podium .step")).to_have_count(3)
        expect(page.locator(".month-chart svg g.month")).to_have_count(12)
        for size, suffix in ((DESK, "1024"), (PHONE, "390")):
            page.set_viewport_size(size)
            expect(page.locator("table.ranking tbody tr")).to_have_count(5)
            shoot(page, f"manage-loyalty-{language}-{suffix}")
            assert fits_the_screen(page), (language, suffix)
            frame = page.locator(".month-chart .chart-frame").bounding_box()
            assert frame["x"] >= 0 and frame["x"] + frame["width"] <= size["width"], (language, suffix)
        page.set_viewport_size(DESK)
