"""Issue 3, point 3: the checkout on a phone (390 × 844, touch): nothing sticks out, the pay buttons are there."""
import re

import pytest
from playwright.sync_api import expect

from .steps import fits_the_screen

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="fr-FR")
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_attach_a_client_add_a_service_and_pay_on_a_phone(live_server, phone, salon, shoot):
    page = phone.new_page()
    page.goto(live_server + "/login")
    page.get_by_text("Camille", exact=True).tap()
    page.fill("#pin", "1234")
    page.get_by_role("button", name="Ouvrir la caisse").tap()
    expect(page.get_by_role("heading", name="Prestations et produits")).to_be_visible()
    assert fits_the_screen(page)
    shoot(page, "20-phone-checkout")

    page.fill("#client-search", "hél")
    page.get_by_role("button", name=re.compile("Hélène Dupré")).tap()
    expect(page.get_by_test_id("attached-client")).to_contain_text("Hélène Dupré")
    expect(page.get_by_test_id("balance")).to_have_text("200")
    assert fits_the_screen(page)
    shoot(page, "21-phone-client-attached")

    page.get_by_role("button", name=re.compile("Portrait studio")).tap()
    expect(page.get_by_test_id("due")).to_have_text("75,00 €")
    expect(page.get_by_test_id("due")).to_be_in_viewport()  # the sale comes right under the client, no hunting
    card, cash = page.get_by_role("button", name="Carte"), page.get_by_role("button", name="Espèces")
    for button in (card, cash):
        button.scroll_into_view_if_needed()
        expect(button).to_be_visible()
        expect(button).to_be_in_viewport()
        box = button.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390  # a thumb's target
    assert fits_the_screen(page)
    shoot(page, "22-phone-sale")

    expect(page.get_by_label("Montant reçu")).to_have_value("75,00")
    card.tap()
    expect(page.get_by_test_id("paid-title")).to_have_text(re.compile(r"Vente n° \d+ payée"))
    expect(page.get_by_test_id("new-balance")).to_have_text("325")
    assert fits_the_screen(page)
    shoot(page, "23-phone-paid")

    page.get_by_role("button", name="Nouvelle vente").tap()
    page.fill("#client-search", "hél")
    page.get_by_role("button", name=re.compile("Hélène Dupré")).tap()
    page.get_by_role("link", name="Fidélité").tap()
    expect(page.get_by_test_id("box-balance")).to_have_text("325")
    assert fits_the_screen(page)
    shoot(page, "24-phone-loyalty-box")
