"""The clients pages in Chromium, through the pages only: a client found by phone, points added with a
reason, a reward granted, a referral recorded by hand with its bonuses now, a taken referral code refused by
its field. Screenshots of the list and the client's page at a desk (1024×768) and on a phone (390×844)."""
import pytest

from salon_setup import add_item, add_reward, give_points, new_client, sell, set_program
from tests.panel.steps import fits_the_screen, log_in

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]

DESK = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def salon(app, api, clock):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Isabelle", "manager", "9876")
    add_item(api, "BRUSH", "Brushing", "30.00", category="cut")
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    add_reward(api, "10 € offerts", 100)
    add_reward(api, "Brushing offert", 250, kind="free_item", value="BRUSH")
    paul = new_client(api, "Paul", "Martin", phone="06 12 34 56 78", email="paul.martin@example.com")
    give_points(api, paul["id"], 120, reason="Reprise de la carte papier")
    sell(api, paul["id"], ("BRUSH", 1, "30.00"))
    sophie = new_client(api, "Sophie", "Durand-Lefèvre", phone="07 98 76 54 32")
    for first, last in (("Hélène", "Dupré"), ("Marie", "Dupont"), ("Jean", "Moreau")):
        new_client(api, first, last)
    return {"paul": paul, "sophie": sophie}


def both_sizes(page, shoot, name: str) -> None:
    for size, suffix in ((DESK, "1024"), (PHONE, "390")):
        page.set_viewport_size(size)
        shoot(page, f"manage-{name}-{suffix}")
        assert fits_the_screen(page), (name, suffix)
    page.set_viewport_size(DESK)


def test_a_client_found_corrected_rewarded_and_referred_through_the_pages(live_server, context, salon, api, shoot):
    from playwright.sync_api import expect

    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.goto(live_server + "/manage/clients")
    page.get_by_role("button", name="EN", exact=True).click()
    clients = page.get_by_test_id("clients")
    expect(clients.locator("tbody tr")).to_have_count(5)
    expect(clients.locator("tr", has_text="Paul Martin").locator("td.amount")).to_have_text("150 points")
    both_sizes(page, shoot, "clients")

    page.fill("input[name=q]", "06 12 34")
    page.locator("form.client-search button[type=submit]").click()
    expect(clients.locator("tbody tr")).to_have_count(1)
    clients.get_by_role("link", name="Paul Martin").click()
    expect(page.get_by_role("heading", name="Paul Martin")).to_be_visible()
    expect(page.locator("nav.manage-menu a[aria-current=page]")).to_have_attribute("href", "/manage/clients")

    adjust = page.locator("form#adjust")
    adjust.locator("input[name=points]").fill("20")
    adjust.locator("input[name=reason]").fill("Goodwill gesture")
    adjust.locator("button[type=submit]").click()
    expect(page.locator(".message.ok")).to_contain_text("20 points added (Goodwill gesture)")
    expect(page.get_by_test_id("box-balance")).to_have_text("170")
    expect(page.get_by_test_id("history").locator("tbody tr").first).to_contain_text("Goodwill gesture")

    grant = page.locator("form#grant")
    grant.locator("select[name=reward_id]").select_option(label="Brushing offert · 250 points")
    grant.locator("input[name=reason]").fill("Birthday")
    grant.locator("button[type=submit]").click()
    expect(page.get_by_test_id("obtained")).to_contain_text("Brushing offert")

    code = page.locator("form#code")
    code.locator("input[name=referral_code]").fill("marie dupont")
    code.locator("button[type=submit]").click()
    expect(page.locator("#referral_code-error")).to_have_text("Another client has this referral code.")
    expect(page.locator("#referral_code-error")).to_be_in_viewport()  # the page opens where it was typed
    shoot(page, "manage-client-refused-1024")
    page.goto(f"{live_server}/manage/clients/{salon['paul']['id']}")
    both_sizes(page, shoot, "client")

    page.goto(f"{live_server}/manage/clients/{salon['sophie']['id']}")
    referral = page.locator("form#referral")
    referral.locator("input[name=referred_by]").fill("paul-martin")
    referral.locator("input[type=checkbox][name=bonuses_now]").check()
    referral.locator("button[type=submit]").click()
    expect(page.locator(".message.ok")).to_contain_text("Bonuses given now")
    expect(page.locator(".message.ok")).to_be_in_viewport()  # a save opens the page at its top, at the message
    expect(page.get_by_test_id("box-balance")).to_have_text("10")
    expect(page.get_by_test_id("referred-by")).to_contain_text("Paul Martin")
    assert api.ok("GET", f"/clients/{salon['paul']['id']}/loyalty")["balance"] == 200
    both_sizes(page, shoot, "client-referred")
