"""What if? in Chromium: 1 → 2 points per euro previewed from the programme page, then a new colour rule from
its form; the figures under the form, what was typed kept, nothing saved; at a desk and on a phone."""
from datetime import timedelta

import pytest

from conftest import START
from salon_setup import add_item, add_reward, add_rule, give_points, new_client, sell
from tests.panel.steps import fits_the_screen, log_in

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def salon(app, api, clock):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Isabelle", "manager", "9876")
    add_item(api, "COL", "Couleur racines", "60.00", category="colour")
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_rule(api, kind="service", service_code="CUT", points=10)
    add_reward(api, "5 € off", 100)
    helene, marc, zoe = (new_client(api, first, "Client")["id"] for first in ("Hélène", "Marc", "Zoé"))
    clock.set(START - timedelta(days=60))
    sell(api, helene, ("COL", 1, "60.00"))
    sell(api, marc, ("CUT", 1, "40.00"))
    give_points(api, zoe, 150)
    clock.set(START)


def test_a_change_previewed_from_the_programme_and_rule_pages(live_server, context, salon, api, shoot):
    from playwright.sync_api import expect

    before = api.ok("GET", "/program", as_="manager")
    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.goto(live_server + "/manage/program")
    page.get_by_role("button", name="EN", exact=True).click()
    page.get_by_label("Points per euro spent").fill("2")
    page.get_by_role("button", name="What if? Last 6 months").click()
    result = page.locator(".preview-figures")
    expect(result).to_contain_text("Over the last 6 months: 2 sales with a client; points earned 110, with this"
                                   " change 210")
    expect(result).to_contain_text("clients able to take a reward: 1 now, 2 with the change.")
    expect(page.get_by_label("Points per euro spent")).to_have_value("2")
    assert api.ok("GET", "/program", as_="manager") == before
    shoot(page, "manage-preview-program-1024")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    shoot(page, "manage-preview-program-390")

    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(live_server + "/manage/rules/new/category")
    page.get_by_label("Category").select_option("colour")
    page.get_by_label("Points for each one sold").fill("40")
    page.get_by_role("button", name="What if? Last 12 months").click()
    expect(page.locator(".preview-figures")).to_contain_text("points earned 110, with this change 150")
    expect(page.get_by_label("Points for each one sold")).to_have_value("40")
    assert len(api.ok("GET", "/rules", as_="manager")) == 1
    shoot(page, "manage-preview-rule-1024")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    shoot(page, "manage-preview-rule-390")
