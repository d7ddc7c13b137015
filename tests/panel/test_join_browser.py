"""The sign-up page in Chromium, reached by the referral link a receipt prints (/r/CODE), on a phone
(390×844) and a tablet (1024×768), in English and French: "Invited by Marie D."; consent refused → the
error by its box and nobody made (counted through the API); consent given → the new client's card, the
referrer recorded. Screenshots: test-artifacts/screenshots/join-{390,1024}-{en,fr}.png, join-refused-*.png."""
import pytest
from playwright.sync_api import expect

from salon_setup import new_client

from .steps import fits_the_screen

pytestmark = pytest.mark.sqlite_only

SIZES = {390: {"width": 390, "height": 844}, 1024: {"width": 1024, "height": 768}}
WORDS = {
    "en": {"invited": "Invited by Marie D.", "first": "First name", "last": "Last name", "phone": "Phone",
           "email": "E-mail", "join": "Join", "refused": "Tick this box to join: without it nothing is kept.",
           "hello": "Hello Sophie"},
    "fr": {"invited": "Invité·e par Marie D.", "first": "Prénom", "last": "Nom", "phone": "Téléphone",
           "email": "E-mail", "join": "M’inscrire",
           "refused": "Cochez cette case pour vous inscrire : sans elle, rien n’est conservé.",
           "hello": "Bonjour Sophie"},
}


@pytest.mark.parametrize("width", [390, 1024])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_sign_up_by_the_referral_link(browser, live_server, api, shoot, width, language):
    marie = new_client(api, "Marie", "Dupont", phone="06 11 22 33 44")
    words = WORDS[language]
    context = browser.new_context(viewport=SIZES[width], locale="en-GB" if language == "en" else "fr-FR",
                                  has_touch=width == 390)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(live_server + "/r/MARIE-DUPONT")
        expect(page).to_have_url(live_server + "/join?ref=MARIE-DUPONT")
        expect(page.get_by_test_id("invited-by")).to_have_text(words["invited"])
        page.get_by_label(words["first"], exact=True).fill("Sophie")
        page.get_by_label(words["last"], exact=True).fill("Martin")
        page.get_by_label(words["phone"], exact=True).fill("07 98 76 54 32")
        page.get_by_label(words["email"], exact=True).fill("sophie@example.org")
        assert fits_the_screen(page)
        shoot(page, f"join-{width}-{language}")

        page.get_by_role("button", name=words["join"]).click()  # consent not ticked
        expect(page.get_by_test_id("error-consent")).to_have_text(words["refused"])
        expect(page.get_by_label(words["first"], exact=True)).to_have_value("Sophie")  # nothing typed is lost
        assert api.ok("GET", "/clients", query={"q": "sophie"})["items"] == []
        shoot(page, f"join-refused-{width}-{language}")

        page.get_by_test_id("consent").check()
        page.get_by_role("button", name=words["join"]).click()
        expect(page.get_by_test_id("card-hello")).to_have_text(words["hello"])
        expect(page.get_by_test_id("card-balance")).to_have_text("0")
        (sophie,) = api.ok("GET", "/clients", query={"q": "sophie"})["items"]
        assert sophie["referred_by"] == marie["referral_code"] and sophie["email_opt_in"] is False
        assert page.url.endswith(sophie["card_url"][sophie["card_url"].index("/card/"):])
    finally:
        context.close()
