"""The client's card in Chromium, as a client opens it on a phone (390×844) and on a tablet (1024×768), in
English and French: the balance, what expires when, the rewards now and the next one, the last visits and
the referral link, whose QR code is read back from the screenshot with zxing; the copy button; a manager's
revocation on the client's page makes the old link the 404 page at once. Screenshots:
test-artifacts/screenshots/card-{390,1024}-{en,fr}.png and card-revoked-box.png."""
import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from salon_setup import add_item, add_reward, give_points, new_client, sell
from .steps import fits_the_screen, log_in

pytestmark = pytest.mark.sqlite_only

SIZES = {390: {"width": 390, "height": 844}, 1024: {"width": 1024, "height": 768}}


@pytest.fixture
def hélène(app, api, clock):
    add_item(api, "BRUSH", "Brushing", "30.00", category="cut")
    add_item(api, "COLOR", "Couleur", "65.00", category="colour")
    add_reward(api, "10 € offerts", 100)
    add_reward(api, "Bon de 25 €", 400, value="25.00")
    client = new_client(api, "Hélène", "Dupré", phone="06 12 34 56 78")
    give_points(api, client["id"], 200)
    for code, price in (("BRUSH", "30.00"), ("COLOR", "65.00"), ("BRUSH", "30.00")):
        sell(api, client["id"], (code, 1, price))
        clock.advance(days=9)
    return api.ok("GET", f"/clients/{client['id']}")


def card_path(client: dict) -> str:
    url = client["card_url"]
    return url[url.index("/card/"):]


def qr_of(locator) -> str:
    """The QR code as the screen shows it, read by zxing from a screenshot of the element."""
    image = Image.open(io.BytesIO(locator.screenshot())).convert("L")
    found = zxingcpp.read_barcode(image)
    assert found is not None, "the QR code on screen does not scan"
    return found.text


@pytest.mark.parametrize("width", [390, 1024])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_card_on_a_phone_and_a_tablet(browser, live_server, api, hélène, shoot, width, language):
    summary = api.ok("GET", f"/clients/{hélène['id']}/loyalty")
    assert summary["balance"] == 325 and summary["next_reward"]["points_missing"] == 75
    context = browser.new_context(viewport=SIZES[width], locale="en-GB" if language == "en" else "fr-FR",
                                  has_touch=width == 390, permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(live_server + card_path(hélène))
        words = {"en": ("Hello Hélène", "When my points expire", "75 more points for: Bon de 25 €",
                        "My last visits", "Copy the link", "Link copied"),
                 "fr": ("Bonjour Hélène", "Quand mes points expirent", "Plus que 75 points pour : Bon de 25 €",
                        "Mes dernières visites", "Copier le lien", "Lien copié")}[language]
        hello, expiry, next_reward, visits, copy, copied = words
        expect(page.get_by_test_id("card-hello")).to_have_text(hello)
        expect(page.get_by_test_id("card-balance")).to_have_text("325")
        expect(page.get_by_role("heading", name=expiry)).to_be_visible()
        lots = page.get_by_test_id("card-expiring").locator("li")
        expect(lots).to_have_count(len(summary["expiring"]))
        expect(lots.first).to_contain_text("2027")
        expect(page.get_by_test_id("card-rewards")).to_contain_text("10 € offerts")
        expect(page.get_by_test_id("card-next-reward")).to_have_text(next_reward)
        expect(page.get_by_role("heading", name=visits)).to_be_visible()
        expect(page.get_by_test_id("card-visits").locator("li")).to_have_count(3)
        expect(page.get_by_test_id("card-visits").locator("li").first).to_contain_text("+30")
        link = page.get_by_test_id("card-referral-link")
        expect(link).to_have_value(hélène["referral_link"])
        qr = page.get_by_test_id("card-qr")
        qr.scroll_into_view_if_needed()
        expect(qr).to_be_visible()
        assert qr_of(qr) == hélène["referral_link"]
        assert fits_the_screen(page)
        box = qr.bounding_box()
        assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= width  # big enough to scan
        shoot(page, f"card-{width}-{language}")
        page.get_by_role("button", name=copy).click()
        expect(page.locator("[data-copy-status]")).to_have_text(copied)
    finally:
        context.close()


def test_a_revoked_card_is_the_404_page_at_once(app, browser, live_server, api, hélène, context, shoot):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Isabelle", "manager", "9876")
    old = card_path(hélène)
    client_context = browser.new_context(viewport=SIZES[390], locale="fr-FR")
    try:
        phone = client_context.new_page()
        phone.goto(live_server + old)
        expect(phone.get_by_test_id("card-balance")).to_have_text("325")

        manager = context.new_page()
        log_in(manager, live_server, "Isabelle", "9876")
        manager.goto(live_server + f"/manage/clients/{hélène['id']}")
        box = manager.get_by_test_id("client-card-box")
        expect(box.get_by_test_id("client-card-link")).to_be_visible()
        assert box.get_by_test_id("client-card-link").inner_text().endswith(old)
        box.get_by_text("Révoquer et créer un nouveau lien").click()
        box.get_by_test_id("client-card-revoke").click()
        expect(manager.get_by_text("La carte du client a un nouveau lien")).to_be_visible()
        new_link = manager.get_by_test_id("client-card-link").inner_text()
        assert not new_link.endswith(old)
        shoot(manager, "card-revoked-box")

        phone.reload()
        expect(phone.get_by_test_id("error-page")).to_have_attribute("data-status", "404")
        expect(phone.get_by_text("Hélène")).to_have_count(0)
        assert api.ok("GET", f"/clients/{hélène['id']}")["card_url"].endswith(new_link[new_link.index("/card/"):])
        phone.goto(new_link)
        expect(phone.get_by_test_id("card-balance")).to_have_text("325")
    finally:
        client_context.close()
