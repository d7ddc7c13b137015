"""Issue 3, point 2: the client's loyalty box, one tap from the checkout."""
import re

import pytest
from playwright.sync_api import expect

from salon_setup import sell, set_program

from .steps import fits_the_screen, log_in

pytestmark = pytest.mark.sqlite_only


def give_history(api, clock, salon):
    """200 opening points on 22 Nov 2026 (the salon fixture), a portrait 10 days later, a brushing paid
    partly with the 10 € reward 20 days after that, then a voucher granted by the manager."""
    client_id = salon["client"]["id"]
    clock.advance(days=10)
    portrait = sell(api, client_id, ("PORTRAIT", 1, "75.00"))["sale"]
    clock.advance(days=20)
    brushing = sell(api, client_id, ("BRUSH", 1, "30.00"), pay=False)
    held = api.ok("POST", f"/sales/{brushing['id']}/redemptions", {"reward_id": salon["reward"]["id"]})
    api.ok("POST", f"/sales/{brushing['id']}/payments", {"amount": held["due"], "method": "card"})
    api.ok("POST", f"/clients/{client_id}/rewards", {"reward_id": salon["voucher"]["id"], "reason": "Anniversaire"},
           as_="manager")
    return portrait["id"], brushing["id"]


def test_the_loyalty_box_shows_balance_expiry_history_rewards_and_referral_code(live_server, context, salon, api,
                                                                                 clock, shoot):
    portrait_id, brushing_id = give_history(api, clock, salon)
    page = context.new_page()
    log_in(page, live_server)
    page.fill("#client-search", "dupré")
    page.get_by_role("button", name=re.compile("Hélène Dupré")).click()
    page.get_by_role("link", name="Fidélité").click()  # one tap from the checkout

    expect(page.get_by_role("heading", name="Hélène Dupré")).to_be_visible()
    expect(page.get_by_test_id("box-balance")).to_have_text("245")  # 200 + 75 + 50 + 20 − 100
    expect(page.get_by_test_id("referral-code")).to_have_text("HELENE-DUPRE")
    # the reward took its 100 points from the lot that expires first
    expect(page.get_by_test_id("expiring").get_by_role("listitem")).to_have_text(
        ["100 points le 22 nov. 2027", "125 points le 2 déc. 2027", "20 points le 22 déc. 2027"])

    history = page.get_by_test_id("history")
    expect(history.get_by_role("columnheader")).to_have_text(["Date", "Description", "Origine", "Vente", "Points"])
    rows = history.locator("tbody tr")

    def cells(text):
        return rows.filter(has_text=text).get_by_role("cell")

    expect(cells("Opening balance")).to_have_text(["22/11/2026 10:15", "Opening balance", "Ajustement · Ana (manager)",
                                                   "", "+200"])
    expect(cells("75,00 € dépensés")).to_have_text(["02/12/2026 10:15", "75,00 € dépensés", "Achat · till-1",
                                                   f"n° {portrait_id}", "+75"])
    expect(cells("Récompense : 10 € offerts")).to_have_text(
        ["22/12/2026 10:15", "Récompense : 10 € offerts", "Récompense utilisée · till-1", f"n° {brushing_id}", "−100"])
    expect(cells("20,00 € dépensés").last).to_have_text("+20")
    expect(cells("Récompense offerte : Bon de 50 € (Anniversaire)").last).to_have_text("0")

    obtained = page.get_by_test_id("obtained").get_by_role("listitem")
    expect(obtained.filter(has_text="10 € offerts")).to_have_text(
        re.compile(rf"10 € offerts · utilisée · 22 déc\. 2026\s+−100 points · Vente n° {brushing_id}"))
    expect(obtained.filter(has_text="Bon de 50 €")).to_have_text(
        re.compile(r"Bon de 50 € · à utiliser · 22 déc\. 2026\s+offerte : Anniversaire · Ana \(manager\)"))
    assert fits_the_screen(page)
    shoot(page, "12-loyalty-box")

    page.get_by_role("link", name="Retour à la vente").click()
    expect(page.get_by_test_id("attached-client")).to_contain_text("Hélène Dupré")


def test_the_loyalty_box_in_english_and_italian(live_server, context, salon, api, clock):
    give_history(api, clock, salon)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/panel/clients/{salon['client']['id']}")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.get_by_role("heading", name="When points expire")).to_be_visible()
    expect(page.get_by_test_id("history").get_by_role("columnheader")).to_have_text(
        ["Date", "Description", "Source", "Sale", "Points"])
    expect(page.get_by_test_id("history")).to_contain_text("Reward used")
    expect(page.get_by_test_id("obtained")).to_contain_text("to use")
    page.get_by_role("button", name="IT", exact=True).click()
    expect(page.get_by_role("heading", name="Scadenza dei punti")).to_be_visible()
    expect(page.get_by_test_id("history").get_by_role("columnheader")).to_have_text(
        ["Data", "Descrizione", "Origine", "Vendita", "Punti"])
    expect(page.get_by_test_id("history")).to_contain_text("Premio usato")
    expect(page.get_by_test_id("obtained")).to_contain_text("da usare")
    expect(page.get_by_test_id("expiring")).to_contain_text("100 punti il 22 nov 2027")  # Italian dates, not French


def test_the_loyalty_box_hides_the_points_while_the_programme_is_off(live_server, context, salon, api):
    set_program(api, enabled=False)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/panel/clients/{salon['client']['id']}")
    expect(page.get_by_text("Le programme de fidélité est désactivé.")).to_be_visible()
    expect(page.get_by_test_id("referral-code")).to_have_text("HELENE-DUPRE")
    expect(page.get_by_test_id("box-balance")).to_have_count(0)
    expect(page.get_by_test_id("history")).to_have_count(0)
