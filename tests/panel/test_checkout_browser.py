"""The cashier's walk in a real browser, with the client display following in a second page."""
import re

import pytest
from playwright.sync_api import expect

from .steps import log_in

pytestmark = pytest.mark.sqlite_only


def test_cashier_walk_with_client_display(live_server, context, salon, shoot):
    base = live_server
    till = context.new_page()
    log_in(till, base)
    expect(till.get_by_role("heading", name="Prestations et produits")).to_be_visible()
    shoot(till, "01-checkout")
    display = context.new_page()
    display.goto(base + "/display")
    expect(display.get_by_role("heading", name="Bienvenue")).to_be_visible()
    expect(display.locator("body")).not_to_contain_text("Hélène")

    till.fill("#client-search", "hél")
    till.get_by_role("button", name=re.compile("Hélène Dupré")).click()
    expect(till.get_by_test_id("attached-client")).to_contain_text("Hélène Dupré")
    expect(till.get_by_test_id("balance")).to_have_text("200")
    expect(display.get_by_test_id("display-client")).to_have_text("Bonjour Hélène")
    shoot(till, "02-client-attached")

    expect(till.get_by_role("button", name=re.compile("Portrait studio"))).to_contain_text("75,00 €")
    till.get_by_role("button", name=re.compile("Portrait studio")).click()
    till.get_by_role("button", name=re.compile("Brushing")).click()
    expect(till.get_by_test_id("due")).to_have_text("105,00 €")
    expect(till.get_by_test_id("quote")).to_have_text("Cette vente rapporte 155 points → solde après 355")
    expect(display.get_by_test_id("display-quote")).to_have_text("Cette visite vous rapporte 155 points")
    shoot(till, "03-two-services-quote")
    shoot(display, "03-display")

    expect(till.locator(".reward.locked")).to_contain_text("Bon de 50 €")
    till.get_by_role("button", name=re.compile("10 € offerts")).click()
    expect(till.get_by_test_id("due")).to_have_text("95,00 €")
    expect(till.get_by_test_id("quote")).to_have_text("Cette vente rapporte 145 points → solde après 245")
    expect(display.get_by_test_id("display-reward")).to_contain_text("10 € offerts")
    expect(display.get_by_test_id("display-due")).to_have_text("95,00 €")
    shoot(till, "04-reward-applied")
    shoot(display, "04-display")

    till.fill("#amount", "50,00")
    till.get_by_role("button", name="Carte").click()
    expect(till.get_by_test_id("due")).to_have_text("45,00 €")
    till.fill("#amount", "50,00")
    till.get_by_role("button", name="Espèces").click()
    expect(till.get_by_test_id("paid-title")).to_have_text(re.compile(r"Vente n° \d+ payée"))
    expect(till.locator(".change")).to_contain_text("5,00 €")
    expect(till.get_by_test_id("earned")).to_have_text("+145")
    expect(till.get_by_test_id("redeemed")).to_have_text("−100")
    expect(till.get_by_test_id("new-balance")).to_have_text("245")
    expect(till.get_by_test_id("receipt-preview")).to_be_visible()
    till.wait_for_function("() => { const img = document.querySelector('[data-testid=receipt-preview]');"
                           " return img.complete && img.naturalWidth > 300; }")
    till.get_by_text("Ticket en texte").click()
    expect(till.get_by_test_id("receipt")).to_contain_text("Hélène Dupré")
    expect(till.get_by_test_id("receipt")).to_contain_text("245 points")
    expect(display.locator("body")).to_contain_text("Merci ! Nouveau solde : 245 points")
    shoot(till, "05-paid-receipt")
    shoot(display, "05-display")

    till.get_by_role("button", name="Nouvelle vente").click()
    expect(display.get_by_role("heading", name="Bienvenue")).to_be_visible()
    expect(display.locator("body")).not_to_contain_text("Hélène")


def test_cashier_is_refused_the_manager_pages_and_the_manager_is_not(live_server, context, salon, shoot):
    page = context.new_page()
    log_in(page, live_server)
    response = page.goto(live_server + "/manage/")
    assert response.status == 403
    page.goto(live_server + "/")
    page.get_by_role("button", name="Changer de caissier").click()
    log_in(page, live_server, "Isabelle", "9876")
    response = page.goto(live_server + "/manage/")
    assert response.status == 200
    expect(page.locator(".manage-menu")).to_be_visible()
    shoot(page, "06-manager")


def test_five_wrong_pins_lock_the_login(live_server, context, salon, shoot):
    page = context.new_page()
    for attempt in range(5):
        log_in(page, live_server, pin="0000")
    expect(page.locator(".message.error")).to_contain_text("connexion verrouillée")
    log_in(page, live_server, pin="1234")  # even the right PIN waits now
    expect(page.locator(".message.error")).to_be_visible()
    expect(page.get_by_role("heading", name="Prestations et produits")).to_have_count(0)
    shoot(page, "07-locked")


def test_english_and_italian(live_server, context, salon):
    page = context.new_page()
    log_in(page, live_server)
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="Services and products")).to_be_visible()
    page.get_by_role("button", name="IT", exact=True).click()
    expect(page.get_by_role("heading", name="Servizi e prodotti")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Brushing"))).to_contain_text("30,00 €")  # the salon's money


def test_a_form_posted_without_its_csrf_token_is_refused(app, salon):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    staff_id = re.search(r'name="staff_id" value="(\d+)"', page).group(1)
    response = client.post("/login", data={"staff_id": staff_id, "pin": "1234"})
    assert response.status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"staff_id": staff_id, "pin": "1234", "csrf_token": token}).status_code == 302
    assert client.post("/panel/lines", data={"code": "BRUSH"}).status_code == 400


def test_the_till_locks_itself_after_inactivity(live_server, context, salon, clock):
    page = context.new_page()
    log_in(page, live_server)
    expect(page.get_by_role("heading", name="Prestations et produits")).to_be_visible()
    clock.advance(minutes=4)
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Prestations et produits")).to_be_visible()
    clock.advance(minutes=6)
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Qui est à la caisse ?")).to_be_visible()
    expect(page.locator(".message")).to_contain_text("inactivit")
