"""The rewards and catalogue pages in Chromium, through the pages only: a service added and its category
named "Couleur", a free-item reward chosen from the catalogue and a discount typed with a comma, one retired;
the till then shows "Couleur". Screenshots of both pages at a desk (1024×768) and on a phone (390×844)."""
import re

import pytest

from salon_setup import add_item, add_reward
from tests.panel.steps import fits_the_screen, log_in

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]

DESK = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def salon(app, api):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
        add_staff("Isabelle", "manager", "9876")
    add_item(api, "BALAYAGE", "Balayage", "90.00", category="colour")
    add_item(api, "BRUSH", "Brushing", "30.00", category="cut")
    add_item(api, "SHAMP", "Shampooing réparateur", "15.00", kind="product", category="retail")
    add_reward(api, "10 € offerts", 100)


def both_sizes(page, shoot, name: str) -> None:
    for size, suffix in ((DESK, "1024"), (PHONE, "390")):
        page.set_viewport_size(size)
        shoot(page, f"manage-{name}-{suffix}")
        assert fits_the_screen(page), (name, suffix)
    page.set_viewport_size(DESK)


def test_catalogue_and_rewards_made_through_the_pages(live_server, context, salon, api, shoot, browser):
    from playwright.sync_api import expect

    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.goto(live_server + "/manage/catalogue")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Catalogue", exact=True)).to_be_visible()

    new_item = page.locator("form[action='/manage/catalogue']")
    new_item.get_by_role("textbox", name=re.compile("^Code")).fill("GLOSS")
    new_item.get_by_label("Name", exact=True).fill("Gloss")
    new_item.get_by_role("combobox", name=re.compile("^Category")).fill("colour")
    new_item.get_by_role("textbox", name=re.compile("^Price")).fill("35,5")
    new_item.get_by_role("button", name="Add to the catalogue").click()
    expect(page.locator(".message.ok")).to_have_text("Added: Gloss (GLOSS), €35.50.")
    expect(page.locator("#item-GLOSS")).to_contain_text("€35.50")

    colour = page.locator("form[action='/manage/catalogue/categories/colour']")
    colour.locator("input[name=display_name]").fill("Couleur")
    colour.get_by_role("button", name="Save").click()
    expect(page.locator(".message.ok")).to_have_text("The category colour shows as “Couleur” at the till.")
    expect(page.locator("h3.category-title").first).to_have_text("Couleur")
    page.goto(live_server + "/manage/catalogue")  # from the top (the save returned to the category names)
    both_sizes(page, shoot, "catalogue")

    page.goto(live_server + "/manage/rewards")
    free = page.locator("form[data-kind=free_item]")
    free.get_by_label("Name", exact=True).fill("Gloss offert")
    free.get_by_label("Points it costs").fill("250")
    free.get_by_label("The free service or product").select_option("GLOSS")
    free.get_by_role("button", name="Create the reward").click()
    expect(page.locator(".message.ok")).to_contain_text("New reward: “Gloss offert”: a free Gloss for 250 points")

    discount = page.locator("form[data-kind=discount]")
    discount.get_by_label("Name", exact=True).fill("15 % le mardi")
    discount.get_by_label("Points it costs").fill("150")
    discount.get_by_label("Kind").select_option("percent_off")
    discount.get_by_label("Amount or percentage").fill("101")
    discount.get_by_role("button", name="Create the reward").click()
    expect(page.locator("#value-error")).to_have_text("A percentage is above 0 and at most 100.")
    expect(page.locator("form[data-kind=free_item]")).to_have_count(0)  # only the form that was posted
    both_sizes(page, shoot, "rewards-refused")
    page.get_by_label("Amount or percentage").fill("12,5")
    page.get_by_role("button", name="Create the reward").click()
    expect(page.locator(".message.ok")).to_contain_text("“15 % le mardi”: 12.5 % off for 150 points")

    rows = page.locator("table.reward-list tbody tr")
    expect(rows).to_have_count(3)
    rows.filter(has_text="10 € offerts").get_by_role("button", name=re.compile("Retire")).click()
    expect(page.locator(".message.ok")).to_contain_text("retired")
    expect(rows.filter(has_text="10 € offerts").locator(".badge")).to_have_text("retired")
    both_sizes(page, shoot, "rewards")
    rows.filter(has_text="Gloss offert").get_by_role("link", name=re.compile("Edit")).click()
    expect(page.get_by_label("The free service or product")).to_have_value("GLOSS")
    both_sizes(page, shoot, "rewards-edit")
    assert [(r["name"], r["kind"], r["value"], r["points_cost"], r["active"])
            for r in api.ok("GET", "/rewards", as_="manager")] == [
        ("10 € offerts", "amount_off", "10.00", 100, False), ("15 % le mardi", "percent_off", "12.5", 150, True),
        ("Gloss offert", "free_item", "GLOSS", 250, True)]

    till = browser.new_context(viewport=DESK, locale="fr-FR").new_page()
    log_in(till, live_server)
    heading = till.locator(".catalogue h3").first
    expect(heading).to_be_visible()
    assert heading.inner_text() == "Couleur"  # as shown, CSS included: never "COULEUR"
    assert [h.inner_text() for h in till.locator(".catalogue h3").all()] == ["Couleur", "Cut", "Retail"]
    shoot(till, "manage-catalogue-till-1024")
    till.context.close()
