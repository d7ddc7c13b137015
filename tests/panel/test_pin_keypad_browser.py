"""The login's on-screen PIN keypad on a touch till: digits tapped, one taken back, the till opens."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.sqlite_only


def test_the_pin_is_tapped_on_the_keypad(live_server, browser, salon, shoot):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="fr-FR", has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server + "/login")
    page.get_by_text("Camille", exact=True).tap()
    pad = page.get_by_role("group", name="Pavé numérique")
    for key in ("1", "2", "9"):
        pad.get_by_role("button", name=key, exact=True).tap()
    pad.get_by_role("button", name="Effacer le dernier chiffre").tap()
    for key in ("3", "4"):
        pad.get_by_role("button", name=key, exact=True).tap()
    expect(page.locator("#pin")).to_have_value("1234")
    shoot(page, "46-pin-keypad")
    page.get_by_role("button", name="Ouvrir la caisse").tap()
    expect(page.locator("#client-search")).to_be_visible()
    context.close()
