"""Erasing a person from the client's manager page in Chromium: the Personal data box, a wrong name refused by
its field, the right one erases; then the client's page, the clients list, the back office's search and the
till's search show no name. Screenshots at a desk (1024×768) and on a phone (390×844)."""
import re
from pathlib import Path

import pytest

from salon_setup import add_item, new_client, sell, set_program
from tests.panel.steps import fits_the_screen, log_in

pytestmark = [pytest.mark.sqlite_only, pytest.mark.browser]

DESK = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
TRACES = ("Zéphyrine", "Quistrebert", "ZEPHYRINE-QUISTREBERT", "07 55 44 33 22", "zephyrine.q@example.org")
SHOTS = Path("/tmp/shots-privacy")


@pytest.fixture
def people(app, api):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Isabelle", "manager", "9876")
    add_item(api, "CUT", "Coupe", "40.00")
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    paul = new_client(api, "Paul", "Martin")["id"]
    person = new_client(api, "Zéphyrine", "Quistrebert", phone="07 55 44 33 22", email="zephyrine.q@example.org",
                        referred_by="PAUL-MARTIN")["id"]
    sell(api, person, ("CUT", 1, "40.00"))
    return {"paul": paul, "person": person}


def both_sizes(page, shoot, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for size, suffix in ((DESK, "1024"), (PHONE, "390")):
        page.set_viewport_size(size)
        shoot(page, f"manage-{name}-{suffix}")
        page.screenshot(path=str(SHOTS / f"{name}-{suffix}.png"), full_page=True)
        assert fits_the_screen(page), (name, suffix)
    page.set_viewport_size(DESK)


def no_trace(page) -> None:
    text = page.locator("body").inner_text()
    assert not [trace for trace in TRACES if trace.casefold() in text.casefold()], text


def test_a_person_erased_from_their_page_is_gone_from_every_page(live_server, context, people, shoot):
    from playwright.sync_api import expect

    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    page.goto(f"{live_server}/manage/clients/{people['person']}")
    page.get_by_role("button", name="EN", exact=True).click()
    box = page.locator("section#privacy")
    expect(box.get_by_role("heading", name="Personal data")).to_be_visible()
    expect(box.get_by_role("link", name="Download the data (JSON)")).to_be_visible()
    with page.expect_download() as download:
        box.get_by_role("link", name="Download the data (JSON)").click()
    assert download.value.suggested_filename == f"client-{people['person']}-data.json"
    saved = download.value.path()
    assert "Quistrebert" in Path(saved).read_text(encoding="utf-8")

    box.get_by_text("Erase this person").click()
    confirm = box.get_by_label(re.compile("To confirm, type the client's name"))
    expect(confirm).to_be_visible()
    confirm.scroll_into_view_if_needed()
    both_sizes(page, shoot, "privacy-box")

    confirm.fill("Zéphyrine Q.")
    box.get_by_role("button", name="Erase for good").click()
    expect(page.locator("#confirm_name-error")).to_have_text(
        "Type the client's name as it is written above: Zéphyrine Quistrebert.")
    expect(page.get_by_role("heading", name="Zéphyrine Quistrebert")).to_be_visible()  # nothing erased

    page.locator("section#privacy").get_by_label(re.compile("To confirm")).fill("zephyrine quistrebert")
    page.locator("section#privacy").get_by_role("button", name="Erase for good").click()
    heading = page.get_by_role("heading", name=f"Erased client #{people['person']}")
    expect(heading).to_be_visible()
    expect(page.get_by_text("The client's personal data was erased.", exact=False)).to_be_visible()
    expect(page.get_by_test_id("erased-balance")).to_have_text("50 points")  # 40 earned + the welcome bonus
    no_trace(page)
    both_sizes(page, shoot, "erased-client")

    page.goto(f"{live_server}/manage/clients")
    row = page.get_by_test_id("clients").locator("tr", has_text=f"Erased client #{people['person']}")
    expect(row).to_be_visible()
    expect(row.locator("td.code-column")).to_have_text("")  # no code, not "None"
    no_trace(page)
    both_sizes(page, shoot, "clients-with-erased")

    page.fill("input[name=q]", "Quistrebert")
    page.locator("form.client-search button[type=submit]").click()
    expect(page.get_by_text("No client matches “Quistrebert”.")).to_be_visible()

    page.goto(f"{live_server}/manage/clients/{people['paul']}")
    history = page.locator("#history")
    expect(history.get_by_text("Referral bonus: Erased client")).to_be_visible()
    no_trace(page)

    page.goto(live_server + "/")
    page.fill("#client-search", "quistre")
    expect(page.get_by_text("No client found.")).to_be_visible()
    page.fill("#client-search", "paul")
    expect(page.get_by_role("button", name=re.compile("Paul Martin"))).to_be_visible()
    page.fill("#client-search", "zephyrine")
    expect(page.get_by_text("No client found.")).to_be_visible()
