"""The photo studio's examples (../shared/seeds), done in Chromium through the pages only: the manager
changes the programme in the back office, the cashier sells at the till, and what both see is checked.

The clients' opening balances are set up through the API (that is not what is tested); every change and
every sale afterwards goes through the pages.
"""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from salon_setup import add_item, add_reward, balance, give_points, new_client, set_program
from tests.panel.steps import log_in

pytestmark = pytest.mark.sqlite_only

PARIS = ZoneInfo("Europe/Paris")
TUESDAY = datetime(2027, 1, 5, 10, 30, tzinfo=PARIS)
WEDNESDAY = datetime(2027, 1, 6, 10, 30, tzinfo=PARIS)


@pytest.fixture
def studio(app, api):
    add_item(api, "PORTRAIT", "Séance portrait", "80.00", category="photo")
    add_item(api, "TIRAGE", "Tirage 30x40", "25.00", kind="product", category="print")
    set_program(api, points_per_unit="1", validity_months=12)
    people = {}
    for first, last, points in (("Alice", "Morel", 120), ("Bruno", "Petit", 760), ("Chloé", "Roux", 740),
                                ("Denis", "Faure", 40)):
        client = new_client(api, first, last)
        give_points(api, client["id"], points)
        people[first] = client
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
        add_staff("Isabelle", "manager", "9876")
    return people


@pytest.fixture
def manager(browser, live_server, studio):
    """The manager's own browser (not the till's): the back office in English."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(live_server + "/manage/")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    yield page
    context.close()


@pytest.fixture
def till(context, live_server, studio):
    page = context.new_page()
    log_in(page, live_server)
    expect(page.locator("#client-search")).to_be_visible()
    return page


def attach(till, name: str) -> None:
    till.fill("#client-search", name.split()[0])
    till.get_by_role("button", name=re.compile(name)).click()
    expect(till.get_by_test_id("attached-client")).to_contain_text(name)


def sell(till, client: str, item: str, *, reward: str | None = None) -> int:
    """One sale at the till through the checkout page: client, one item, a reward maybe, paid by card.
    Answers the points the confirmation says were earned."""
    attach(till, client)
    till.get_by_role("button", name=re.compile(item)).click()
    expect(till.locator(".lines")).to_contain_text(item)
    if reward:
        till.locator("button.reward.eligible", has_text=reward).click()
        expect(till.locator(".applied, [data-testid=applied-reward]").first).to_be_visible()
    till.get_by_role("button", name="Carte").click()
    expect(till.get_by_test_id("paid-title")).to_be_visible()
    earned = int(till.get_by_test_id("earned").inner_text().replace("+", "").replace("\u2212", "-"))
    till.get_by_role("button", name="Nouvelle vente").click()
    return earned


def cancel_sale(till) -> None:
    """Cancel the open sale: the till asks first."""
    till.locator("summary", has_text="Annuler la vente").click()
    till.get_by_role("button", name="Oui, annuler la vente").click()
    expect(till.locator(".lines")).to_have_count(0)


def save_program(manager, base, **fields) -> None:
    manager.goto(base + "/manage/program")
    for name, value in fields.items():
        manager.fill(f"input[name={name}]", value)
    manager.locator("form.settings button[type=submit].primary").click()
    expect(manager.locator(".message.ok")).to_be_visible()


def test_two_points_per_euro_leaves_balances_and_doubles_the_next_sale(live_server, manager, till, studio, api,
                                                                      shoot):
    before = {name: balance(api, client["id"]) for name, client in studio.items()}
    assert sell(till, "Denis Faure", "Séance portrait") == 80
    before["Denis"] += 80
    save_program(manager, live_server, points_per_unit="2")
    expect(manager.locator(".message.ok")).to_contain_text("1 → 2")
    shoot(manager, "manage-photo-studio-ratio")
    assert {name: balance(api, client["id"]) for name, client in studio.items()} == before
    assert sell(till, "Denis Faure", "Séance portrait") == 160


def test_a_raised_reward_keeps_its_past_redemption_and_eligibility_follows(live_server, manager, till, studio,
                                                                          api, shoot):
    add_reward(api, "Tirage offert", 100, kind="amount_off", value="25.00")
    sell(till, "Alice Morel", "Séance portrait", reward="Tirage offert")
    manager.goto(live_server + "/manage/rewards")
    row = manager.locator("[data-reward]", has_text="Tirage offert")
    row.get_by_role("link", name=re.compile("Edit")).click()
    manager.fill("input[name=points_cost]", "150")
    manager.locator("form:has(input[name=points_cost]) button[type=submit].primary").click()
    expect(manager.locator(".message.ok")).to_contain_text("150")
    # The history keeps the redemption at 100 points.
    manager.goto(live_server + f"/manage/clients/{studio['Alice']['id']}")
    expect(manager.locator("body")).to_contain_text("−100")
    # Alice has 120 − 100 + what the sale earned, short of 150: the reward is out of her reach now;
    # Bruno (760) has it.
    left = balance(api, studio["Alice"]["id"])
    assert left < 150
    attach(till, "Alice Morel")
    till.get_by_role("button", name=re.compile("Séance portrait")).click()
    expect(till.locator(".reward.locked", has_text="Tirage offert")).to_contain_text(str(150 - left))
    cancel_sale(till)
    attach(till, "Bruno Petit")
    till.get_by_role("button", name=re.compile("Séance portrait")).click()
    expect(till.locator("button.reward.eligible", has_text="Tirage offert")).to_contain_text("150")


def test_a_new_750_point_reward_is_offered_at_once_to_every_client_who_has_750(live_server, manager, till,
                                                                               studio, shoot):
    manager.goto(live_server + "/manage/rewards")
    form = manager.locator("form:has(input[name=points_cost])").first
    form.locator("input[name=name]").fill("Album photo")
    form.locator("select[name=kind]").select_option("amount_off")
    form.locator("input[name=value]").fill("60,00")
    form.locator("input[name=points_cost]").fill("750")
    form.locator("button[type=submit].primary").click()
    expect(manager.locator(".message.ok")).to_contain_text("Album photo")
    attach(till, "Bruno Petit")
    till.get_by_role("button", name=re.compile("Séance portrait")).click()
    expect(till.locator("button.reward.eligible", has_text="Album photo")).to_be_visible()
    cancel_sale(till)
    attach(till, "Chloé Roux")
    till.get_by_role("button", name=re.compile("Séance portrait")).click()
    expect(till.locator(".reward.locked", has_text="Album photo")).to_contain_text("10")


def test_a_tuesday_multiplier_doubles_tuesday_spend_points_only(live_server, manager, till, studio, clock, api,
                                                                shoot):
    manager.goto(live_server + "/manage/rules/new/multiplier")
    form = manager.locator("form:has(input[name=factor])").first
    form.locator("input[name=description]").fill("Mardi points doublés")
    form.locator("input[name=factor]").fill("2")
    form.locator("input[name=weekdays][value='2']").check()
    form.locator("button[type=submit].primary").first.click()
    expect(manager.locator(".message.ok")).to_contain_text("Mardi points doublés")
    shoot(manager, "manage-photo-studio-multiplier")
    for day, earned in ((TUESDAY, 160), (WEDNESDAY, 80)):
        clock.set(day)  # days later: the till locked itself meanwhile, the cashier types the PIN again
        log_in(till, live_server)
        assert sell(till, "Denis Faure", "Séance portrait") == earned
