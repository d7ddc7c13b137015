"""Issue 3, point 4: a whole sale with the keyboard alone (Tab, Enter, typing), the focus always visible."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.sqlite_only

FOCUS_RING = "() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; }"


def test_search_pick_add_reward_amount_and_pay_with_the_keyboard_alone(live_server, context, salon, shoot):
    page = context.new_page()
    keyboard = page.keyboard
    page.goto(live_server + "/login")
    expect(page.get_by_label("Code")).to_be_focused()
    keyboard.type("1234")
    keyboard.press("Enter")

    search = page.get_by_role("searchbox", name="Trouver un client")
    expect(search).to_be_focused()
    keyboard.type("hél")
    client = page.get_by_role("button", name=re.compile("Hélène Dupré"))
    expect(client).to_be_visible()
    keyboard.press("Tab")
    expect(client).to_be_focused()
    assert page.evaluate(FOCUS_RING) == "solid 3px"
    shoot(page, "30-keyboard-client-found")
    keyboard.press("Enter")
    expect(page.get_by_test_id("attached-client")).to_contain_text("Hélène Dupré")

    catalogue = page.get_by_role("searchbox", name="Chercher une prestation")
    expect(catalogue).to_be_focused()
    keyboard.type("brush")
    expect(page.get_by_role("button", name=re.compile("Portrait studio"))).to_be_hidden()
    keyboard.press("Enter")  # one service left: Enter adds it
    expect(page.get_by_test_id("due")).to_have_text("30,00 €")
    expect(catalogue).to_be_focused()  # ready for the next service

    keyboard.press("Tab")
    to_the_sale = page.get_by_role("link", name="Aller à la vente et au paiement")
    expect(to_the_sale).to_be_focused()
    expect(to_the_sale).to_be_visible()
    assert page.evaluate(FOCUS_RING) == "solid 3px"
    shoot(page, "31-keyboard-skip-to-the-sale")
    keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"Vente n° \d+"))).to_be_focused()
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Retirer Brushing")).to_be_focused()
    keyboard.press("Tab")
    reward = page.get_by_role("button", name=re.compile("10 € offerts"))
    expect(reward).to_be_focused()
    assert page.evaluate(FOCUS_RING) == "solid 3px"
    keyboard.press("Enter")

    expect(page.get_by_test_id("due")).to_have_text("20,00 €")
    amount = page.get_by_label("Montant reçu")
    expect(amount).to_be_focused()
    expect(amount).to_have_value("20,00")
    shoot(page, "32-keyboard-reward-applied")
    keyboard.type("20,00")  # the amount due is selected: typing replaces it
    expect(amount).to_have_value("20,00")
    keyboard.press("Enter")  # the first button of the form: card

    expect(page.get_by_test_id("paid-title")).to_have_text(re.compile(r"Vente n° \d+ payée"))
    expect(page.get_by_test_id("redeemed")).to_have_text("−100")
    expect(page.get_by_test_id("new-balance")).to_have_text("120")  # 200 − 100 + 20
    shoot(page, "33-keyboard-paid")
    expect(page.get_by_role("button", name="Nouvelle vente")).to_be_focused()
    keyboard.press("Enter")
    expect(search).to_be_focused()


def search_helene_by_keyboard(context, base):
    """Log in by PIN and type a client's name, with the keyboard alone; her button is shown."""
    page = context.new_page()
    page.goto(base + "/login")
    expect(page.get_by_label("Code")).to_be_focused()  # the caret is in the PIN field before typing
    page.keyboard.type("1234")
    page.keyboard.press("Enter")
    expect(page.get_by_role("searchbox", name="Trouver un client")).to_be_focused()
    page.keyboard.type("dupré")
    expect(page.get_by_role("button", name=re.compile("Hélène Dupré"))).to_be_visible()
    return page


def test_enter_picks_the_only_client_found_and_tab_reaches_cash(live_server, context, salon):
    page = search_helene_by_keyboard(context, live_server)
    keyboard = page.keyboard
    keyboard.press("Enter")  # one client found: Enter picks her
    expect(page.get_by_test_id("attached-client")).to_contain_text("Hélène Dupré")
    expect(page.get_by_role("searchbox", name="Chercher une prestation")).to_be_focused()
    keyboard.type("sham")
    keyboard.press("Enter")
    expect(page.get_by_test_id("due")).to_have_text("15,00 €")
    keyboard.press("Tab")
    keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"Vente n° \d+"))).to_be_focused()
    for name in ("Retirer Shampooing", re.compile("10 € offerts")):
        keyboard.press("Tab")
        expect(page.get_by_role("button", name=name)).to_be_focused()
    keyboard.press("Tab")
    amount = page.get_by_label("Montant reçu")
    expect(amount).to_be_focused()
    keyboard.type("20")
    keyboard.press("Tab")
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Espèces")).to_be_focused()
    keyboard.press("Enter")
    expect(page.locator(".change")).to_contain_text("5,00 €")
    expect(page.get_by_role("button", name="Nouvelle vente")).to_be_focused()


def test_change_client_puts_the_keyboard_back_in_the_search(live_server, context, salon):
    page = search_helene_by_keyboard(context, live_server)
    keyboard = page.keyboard
    keyboard.press("ArrowDown")
    expect(page.get_by_role("button", name=re.compile("Hélène Dupré"))).to_be_focused()
    keyboard.press("Enter")
    expect(page.get_by_test_id("attached-client")).to_be_visible()
    keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Changer de client")).to_be_focused()
    keyboard.press("Enter")
    expect(page.get_by_test_id("attached-client")).to_have_count(0)
    expect(page.get_by_role("searchbox", name="Trouver un client")).to_be_focused()
