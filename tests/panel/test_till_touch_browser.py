"""Issue 11's acceptance: on a 1024×768 touch till (and on a 390×844 phone), after the PIN, find a client, add
two services, redeem a reward, pay part by card and the rest in cash in at most 8 taps. After every tap of the
sale the total due and the pay buttons are on screen without scrolling; tapping a service or a reward (and
attaching the client, and a part payment) loads no page: the main frame's navigations are counted."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.sqlite_only

SIZES = {"till": ({"width": 1024, "height": 768}, False), "phone": ({"width": 390, "height": 844}, True)}


@pytest.mark.parametrize("size", SIZES)
def test_a_whole_checkout_in_at_most_8_taps(live_server, browser, salon, shoot, size):
    viewport, mobile = SIZES[size]
    context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=mobile, locale="fr-FR")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(live_server + "/login")
        page.get_by_text("Camille", exact=True).tap()
        page.fill("#pin", "1234")
        page.get_by_role("button", name="Ouvrir la caisse").tap()
        expect(page.get_by_role("heading", name="Prestations et produits")).to_be_visible()

        navigations = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
        taps = []

        def tap(locator, name):
            locator.tap()
            taps.append(name)

        def on_screen():
            """The total due and both pay buttons lie inside the viewport as it is: no scrolling asked."""
            for target in (page.get_by_test_id("due"), page.get_by_role("button", name="Carte"),
                           page.get_by_role("button", name="Espèces")):
                expect(target).to_be_visible()
                box = target.bounding_box()
                assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (taps[-1], box)
                assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (taps[-1], box)

        page.fill("#client-search", "hél")  # typing, not a tap
        tap(page.get_by_role("button", name=re.compile("Hélène Dupré")), "client")
        expect(page.get_by_test_id("attached-client")).to_contain_text("Hélène Dupré")
        expect(page.get_by_test_id("due")).to_have_count(0)  # no sale yet: nothing to pay
        shoot(page, f"40-{size}-client")

        tap(page.get_by_role("button", name=re.compile("Portrait studio")), "service")
        expect(page.get_by_test_id("due")).to_have_text("75,00 €")
        on_screen()
        tap(page.get_by_role("button", name=re.compile("Brushing")), "service")
        expect(page.get_by_test_id("due")).to_have_text("105,00 €")
        on_screen()
        shoot(page, f"41-{size}-two-services")

        tap(page.get_by_role("button", name=re.compile("10 € offerts")), "reward")
        expect(page.get_by_test_id("due")).to_have_text("95,00 €")
        expect(page.get_by_test_id("balance")).to_have_text("200")
        expect(page.locator(".rewards .applied")).to_contain_text("10 € offerts")
        on_screen()
        shoot(page, f"42-{size}-reward")

        page.fill("#amount", "50,00")  # typing, not a tap
        tap(page.get_by_role("button", name="Carte"), "card")
        expect(page.get_by_test_id("due")).to_have_text("45,00 €")
        expect(page.get_by_label("Montant reçu")).to_have_value("45,00")  # the rest, ready for the cash
        on_screen()
        assert navigations == [], navigations  # client, services, reward, part payment: all in place
        shoot(page, f"43-{size}-part-paid")

        tap(page.get_by_role("button", name="Espèces"), "cash")
        expect(page.get_by_test_id("paid-title")).to_have_text(re.compile(r"Vente n° \d+ payée"))
        expect(page.get_by_test_id("new-balance")).to_have_text("245")
        assert len(navigations) == 1 and re.search(r"/panel/sales/\d+/done$", navigations[0])
        assert len(taps) <= 8, taps
        assert taps == ["client", "service", "service", "reward", "card", "cash"]  # 6 taps
        shoot(page, f"44-{size}-paid")
    finally:
        context.close()


def test_a_removed_line_comes_back_with_undo_and_cancel_asks_first(live_server, context, salon, shoot):
    page = context.new_page()
    from .steps import log_in

    log_in(page, live_server)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    page.get_by_role("button", name=re.compile("Portrait studio")).click()
    page.get_by_role("button", name=re.compile("Brushing")).click()
    expect(page.get_by_test_id("due")).to_have_text("105,00 €")
    page.get_by_role("button", name="Retirer Brushing").click()
    expect(page.get_by_test_id("due")).to_have_text("75,00 €")
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("due")).to_have_text("105,00 €")
    expect(page.get_by_test_id("undo")).to_have_count(0)
    page.locator("summary", has_text="Annuler la vente").click()
    confirm = page.get_by_role("button", name="Oui, annuler la vente")
    expect(confirm).to_be_visible()
    shoot(page, "45-till-cancel-confirm")
    confirm.click()
    expect(page.get_by_test_id("due")).to_have_count(0)
    assert navigations == []
