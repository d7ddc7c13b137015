"""The staff, API tokens and tills pages in Chromium, at 1024×768 and on a phone (390×844): a staff member
added, a token created (shown once) and revoked, a printer set and tested on a real loopback printer, a client
display paired and opened in a browser of its own. Screenshots: test-artifacts/screenshots/manage-*.png."""
import re

import pytest
from playwright.sync_api import expect

from tests.panel.steps import fits_the_screen, log_in
from tests.printing.printer_server import PrinterServer

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PRINTER_PORTS": "1024-65535"}


@pytest.fixture
def printer():
    server = PrinterServer("normal")
    yield server
    server.stop()


def in_english(page, base):
    page.goto(base + "/manage/")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("link", name="Staff")).to_be_visible()


def test_staff_tokens_and_tills_from_the_pages(live_server, context, browser, salon, printer, shoot):
    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")
    in_english(page, live_server)

    # Staff: a PIN refused by its field, then the new cashier added.
    page.get_by_role("link", name="Staff").click()
    expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()
    add = page.locator("#add-staff")
    add.get_by_label("Name").fill("Léa Martin")
    add.get_by_label("PIN").fill("12")
    add.get_by_role("button", name="Add").click()
    expect(page.locator("#pin-error")).to_have_text("A PIN is 4 to 8 digits.")
    assert fits_the_screen(page)
    shoot(page, "manage-staff-refused-1024")
    add = page.locator("#add-staff")
    expect(add.get_by_label("Name")).to_have_value("Léa Martin")
    add.get_by_label("PIN").fill("4567")
    add.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Léa Martin added as cashier")).to_be_visible()
    expect(page.locator("tr", has_text="Léa Martin")).to_contain_text("active")
    shoot(page, "manage-staff-1024")
    page.locator("tr", has_text="Camille").get_by_role("link", name=re.compile("Role, PIN")).click()
    expect(page.get_by_role("heading", name="Camille")).to_be_visible()
    shoot(page, "manage-staff-member-1024")
    page.get_by_label("New PIN").fill("24680")
    page.get_by_role("button", name="Set the new PIN").click()
    expect(page.get_by_text("New PIN for Camille")).to_be_visible()

    # Tokens: created, shown once, revoked.
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Host POS till 1")
    page.get_by_label("Expires after (days)").fill("90")
    page.get_by_role("button", name="Create the token").click()
    secret = page.get_by_test_id("new-token")
    expect(secret).to_have_value(re.compile(r"^pl_"))
    shoot(page, "manage-tokens-created-1024")
    page.get_by_role("link", name="Done: back to the tokens").click()
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    row = page.locator("tr", has_text="Host POS till 1")
    expect(row).to_contain_text("in force")
    row.get_by_role("button", name=re.compile("Revoke")).click()
    expect(page.get_by_text("The token “Host POS till 1” is revoked")).to_be_visible()
    expect(page.locator("tr", has_text="Host POS till 1")).to_contain_text("revoked")
    shoot(page, "manage-tokens-1024")

    # Tills: the printer set and tested, the display paired.
    page.get_by_role("link", name="Tills").click()
    card = page.locator("#till-till-1")
    card.get_by_label("Printer address").fill(printer.url)
    card.get_by_label("Paper width").select_option("32")
    card.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Till till-1 saved")).to_be_visible()
    page.locator("#till-till-1").get_by_role("button", name="Print a test page").click()
    expect(page.get_by_text(f"Test print on till-1: printed ({printer.url}).")).to_be_visible()
    assert fits_the_screen(page)
    shoot(page, "manage-tills-1024")
    page.locator("#till-till-1").get_by_role("button", name="Pair a client display").click()
    link = page.get_by_test_id("pairing-link")
    expect(link).to_be_visible()
    expect(page.get_by_role("img", name="QR code of the pairing link")).to_be_visible()
    shoot(page, "manage-tills-pairing-1024")
    pairing = link.get_attribute("href")

    display = browser.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR")
    try:
        screen = display.new_page()
        screen.goto(pairing)
        expect(screen).to_have_url(live_server + "/display")
        expect(screen.locator("#display-state")).to_contain_text("Bienvenue")  # the client's screen, no login
        shoot(screen, "manage-display-paired-1024")
        page.goto(live_server + "/manage/tills")
        page.locator("#till-till-1").get_by_role("button", name="Unpair").click()
        expect(screen.get_by_test_id("display-unpaired")).to_be_visible()  # it says so at its next poll
    finally:
        display.close()


def test_the_three_pages_on_a_phone(live_server, browser, salon, shoot):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="fr-FR")
    phone.set_default_timeout(10_000)
    try:
        page = phone.new_page()
        log_in(page, live_server, "Isabelle", "9876")
        in_english(page, live_server)
        for path, name in (("/manage/staff", "staff"), ("/manage/tokens", "tokens"), ("/manage/tills", "tills")):
            page.goto(live_server + path)
            expect(page.locator(".manage-page h1")).to_be_visible()
            assert fits_the_screen(page), path
            shoot(page, f"manage-{name}-390")
        page.goto(live_server + "/manage/staff")
        page.locator("tr", has_text="Camille").get_by_role("link", name=re.compile("Role, PIN")).click()
        expect(page.get_by_role("heading", name="Camille")).to_be_visible()
        assert fits_the_screen(page)
        shoot(page, "manage-staff-member-390")
    finally:
        phone.close()
