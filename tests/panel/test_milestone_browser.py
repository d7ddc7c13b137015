"""Issue 13's milestone mode as people see it, in Chromium. One walk per page:

- the till at 1024×768 (and its look on a phone): Marc's codes as buttons and the next reward by lifetime
  points, all on one screen; a tap holds a code at 0 points and the receipt names it; a code typed with no
  client attached attaches its owner; a used code typed again is refused in French;
- the client's card on a phone (and at 1024×768): the code big and copyable, the progress by lifetime points;
- the manager: /manage/program's switch to milestone mode and its question (N clients per reward, "now"),
  /manage/rewards' question for a new reward, /manage/clients/{id} voiding a code.

Screenshots: milestone-*.png in SCREENSHOTS_DIR (test-artifacts/screenshots by default)."""
import re

import pytest
from playwright.sync_api import expect

from salon_setup import add_reward, give_points, new_client, set_program
from .steps import fits_the_screen, log_in

pytestmark = pytest.mark.sqlite_only

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}


def codes_of(app, client_id: int) -> dict[str, dict]:
    """The client's codes by reward name."""
    with app.app_context():
        from pos_loyalty.services.milestones import client_codes

        return {code["name"]: code for code in client_codes(client_id)}


def fits_without_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollHeight <= window.innerHeight"
                         " && document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def marc(app, api, salon, clock):
    """Milestone mode; Marc's 950 lifetime points unlocked “10 € offerts” (100) and “Bon de 50 €” (900); the next
    reward, “Coffret soin”, is at 1500. Thirteen months later his points have expired (balance 0): the thresholds
    still read his lifetime points. Hélène (200 points from redeem mode, expired too) has no code."""
    add_reward(api, "Coffret soin", 1500, value="80.00")
    set_program(api, reward_mode="milestone")
    client = new_client(api, "Marc", "Lenoir", phone="06 98 76 54 32")
    give_points(api, client["id"], 950)
    codes = codes_of(app, client["id"])
    assert set(codes) == {"10 € offerts", "Bon de 50 €"}
    clock.advance(days=400)
    assert api.ok("GET", f"/clients/{client['id']}/loyalty")["balance"] == 0
    return {**salon, "marc": client, "codes": codes}


def test_the_till_with_codes(live_server, context, marc, shoot):
    small, big = marc["codes"]["10 € offerts"]["code"], marc["codes"]["Bon de 50 €"]["code"]
    till = context.new_page()
    log_in(till, live_server)
    expect(till.get_by_role("heading", name="Prestations et produits")).to_be_visible()

    till.fill("#client-search", "lenoir")
    till.get_by_role("button", name=re.compile("Marc Lenoir")).click()
    expect(till.get_by_test_id("attached-client")).to_contain_text("Marc Lenoir")
    expect(till.get_by_test_id(f"code-{small}")).to_contain_text("10 € offerts")
    expect(till.get_by_test_id(f"code-{big}")).to_contain_text("Bon de 50 €")
    expect(till.get_by_test_id("next-reward")).to_have_text("Prochaine récompense : Coffret soin dans 550 points")
    expect(till.locator("#typed-code")).to_have_count(0)  # his codes are all buttons: nothing to type
    till.get_by_role("button", name=re.compile("Portrait studio")).click()
    expect(till.get_by_test_id("due")).to_have_text("75,00 €")
    shoot(till, "milestone-till-1024")
    for seen in (till.get_by_test_id(f"code-{small}"), till.get_by_test_id(f"code-{big}"),
                 till.get_by_test_id("quote"), till.get_by_role("button", name="Carte")):
        expect(seen).to_be_in_viewport(ratio=1)  # all on one screen, nothing scrolled away inside a box
    assert fits_without_scrolling(till), "the till at 1024×768 scrolls"

    till.get_by_test_id(f"code-{big}").click()
    applied = till.locator(".ticket li.applied")
    expect(applied).to_contain_text("Bon de 50 €")
    expect(applied).to_contain_text("−0 points")
    expect(till.get_by_test_id("due")).to_have_text("25,00 €")
    expect(till.get_by_test_id("balance")).to_have_text("0")
    expect(till.get_by_test_id(f"code-{big}")).to_have_count(0)  # one reward per sale: the buttons go
    expect(applied).to_be_in_viewport(ratio=1)
    shoot(till, "milestone-till-code-held-1024")
    till.set_viewport_size(PHONE)
    assert fits_the_screen(till)
    shoot(till, "milestone-till-390")
    till.set_viewport_size(TABLET)

    till.get_by_role("button", name="Carte").click()
    expect(till.get_by_test_id("paid-title")).to_have_text(re.compile(r"Vente n° \d+ payée"))
    expect(till.get_by_test_id("redeemed")).to_have_text("−0")
    till.get_by_text("Ticket en texte").click()
    expect(till.get_by_test_id("receipt")).to_contain_text(f"Code utilisé : {big} (Bon de 50 €)")
    till.wait_for_function("() => { const img = document.querySelector('[data-testid=receipt-preview]');"
                           " return img.complete && img.naturalWidth > 300; }")
    shoot(till, "milestone-paid-1024")

    # A code typed before anything, no client attached: its owner is attached, the reward waits for the first
    # service (the sale with a line and no client is tests/panel/test_milestone_pages.py's).
    till.get_by_role("button", name="Nouvelle vente").click()
    expect(till.get_by_test_id("attached-client")).to_have_count(0)
    till.fill("#typed-code", small.lower())
    till.get_by_role("button", name="Utiliser le code").click()
    expect(till.get_by_test_id("attached-client")).to_contain_text("Marc Lenoir")
    expect(till.get_by_test_id("pending-reward")).to_contain_text("10 € offerts")
    till.get_by_role("button", name=re.compile("Brushing")).click()
    expect(till.get_by_test_id("due")).to_have_text("20,00 €")
    expect(till.locator(".ticket li.applied")).to_contain_text("10 € offerts")

    # The used code typed again, on another sale with no client: refused in French, nobody attached.
    till.get_by_role("button", name="Carte").click()
    expect(till.get_by_test_id("paid-title")).to_be_visible()
    till.get_by_role("button", name="Nouvelle vente").click()
    till.get_by_role("button", name=re.compile("Brushing")).click()
    expect(till.get_by_test_id("due")).to_have_text("30,00 €")
    till.fill("#typed-code", big)
    till.get_by_role("button", name="Utiliser le code").click()
    expect(till.locator(".ticket .message.error")).to_have_text("Ce code a déjà été utilisé.")
    expect(till.get_by_test_id("attached-client")).to_have_count(0)
    expect(till.get_by_test_id("due")).to_have_text("30,00 €")
    shoot(till, "milestone-till-refused-1024")


def test_the_clients_card_shows_the_code_big_and_copyable(browser, live_server, api, marc, shoot):
    small = marc["codes"]["10 € offerts"]["code"]
    url = api.ok("GET", f"/clients/{marc['marc']['id']}")["card_url"]
    context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(live_server + url[url.index("/card/"):])
        expect(page.get_by_test_id("card-balance")).to_have_text("0")  # expired; the progress is lifetime
        codes = page.get_by_test_id("card-code")
        expect(codes).to_have_count(2)
        box = page.locator(f"#code-{small}")
        expect(box).to_have_value(small)
        assert float(box.evaluate("field => getComputedStyle(field).fontSize").removesuffix("px")) >= 24
        assert box.bounding_box()["width"] <= PHONE["width"]
        expect(page.get_by_test_id("card-next-threshold")).to_have_text("Plus que 550 points pour : Coffret soin")
        progress = page.get_by_test_id("card-codes").locator("progress")
        expect(progress).to_have_attribute("value", "950")
        expect(progress).to_have_attribute("max", "1500")
        assert fits_the_screen(page)
        shoot(page, "milestone-card-390")
        codes.filter(has_text="10 € offerts").get_by_role("button", name="Copier le code").click()
        expect(page.get_by_test_id("card-codes").locator("[data-copy-status]")).to_have_text("Code copié")
        assert page.evaluate("navigator.clipboard.readText()") == small
        page.set_viewport_size(TABLET)
        assert fits_the_screen(page)
        shoot(page, "milestone-card-1024")
    finally:
        context.close()


def test_the_managers_switch_question_and_void(app, live_server, context, api, marc, shoot):
    set_program(api, reward_mode="redeem")  # the manager switches: Marc's codes stay, Hélène is past 100
    page = context.new_page()
    log_in(page, live_server, "Isabelle", "9876")

    # /manage/program: redeem to milestone asks about Hélène (past 100 without a code), says nothing of Marc.
    page.goto(live_server + "/manage/program")
    page.get_by_role("radio", name=re.compile("Paliers")).check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    prompt = page.get_by_test_id("past-prompt")
    expect(prompt).to_contain_text("10 € offerts (seuil 100) : 1 client l'a déjà dépassé")
    expect(prompt.locator("li")).to_have_count(1)
    assert fits_the_screen(page)
    shoot(page, "milestone-program-question-1024")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    shoot(page, "milestone-program-question-390")
    page.set_viewport_size(TABLET)
    assert api.ok("GET", "/program")["reward_mode"] == "redeem"
    prompt.get_by_role("button", name="Leur donner leurs codes maintenant").click()
    expect(page.locator(".message.ok").first).to_contain_text("Enregistré")
    expect(page.get_by_text("1 client qui l'avait déjà dépassée a reçu le code de la récompense.")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("Paliers"))).to_be_checked()
    assert set(codes_of(app, marc["client"]["id"])) == {"10 € offerts"}
    shoot(page, "milestone-program-1024")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    shoot(page, "milestone-program-390")
    page.set_viewport_size(TABLET)

    # /manage/rewards: a new reward at 150 asks about Hélène (200) and Marc (950).
    page.goto(live_server + "/manage/rewards")
    form = page.locator("form.reward-form").first
    form.locator("[name=name]").fill("Soin offert")
    form.locator("[name=points_cost]").fill("150")
    form.locator("[name=value]").fill("15")
    form.get_by_role("button", name="Créer la récompense").click()
    prompt = page.get_by_test_id("past-prompt")
    expect(prompt.get_by_role("heading")).to_have_text("2 clients ont déjà dépassé 150 points")
    assert fits_the_screen(page)
    shoot(page, "milestone-rewards-question-1024")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    shoot(page, "milestone-rewards-question-390")
    page.set_viewport_size(TABLET)
    prompt.get_by_role("button", name="Seulement les clients qui l'atteindront à partir de maintenant").click()
    expect(page.get_by_test_id("rewards")).to_contain_text("Soin offert")
    assert "Soin offert" not in codes_of(app, marc["client"]["id"])

    # /manage/clients/{id}: Marc's codes; one voided.
    small = marc["codes"]["10 € offerts"]["code"]
    page.goto(live_server + f"/manage/clients/{marc['marc']['id']}")
    row = page.locator(f"tr[data-code='{small}']")
    expect(row).to_contain_text("à utiliser")
    assert fits_the_screen(page)
    shoot(page, "milestone-client-codes-1024")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    void = row.locator("summary").bounding_box()  # not hidden to the right of a table scrolling sideways
    assert void["x"] >= 0 and void["x"] + void["width"] <= PHONE["width"]
    shoot(page, "milestone-client-codes-390")
    page.set_viewport_size(TABLET)
    row.locator("summary").click()
    row.get_by_test_id(f"void-{small}").click()
    expect(page.get_by_text(f"Code {small} annulé : il ne peut plus être utilisé.")).to_be_visible()
    expect(page.locator(f"tr[data-code='{small}']")).to_contain_text("annulé")
    expect(page.locator(f"tr[data-code='{small}'] summary")).to_have_count(0)
    assert codes_of(app, marc["marc"]["id"])["10 € offerts"]["status"] == "void"
