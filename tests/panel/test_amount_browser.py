"""Issue 3, point 5: the amount field speaks the salon's locale and refuses what is not an amount."""
import re

import pytest
from playwright.sync_api import expect

from .steps import log_in

pytestmark = pytest.mark.sqlite_only


def open_sale_of_95(page, live_server):
    log_in(page, live_server)
    page.fill("#client-search", "hél")
    page.get_by_role("button", name=re.compile("Hélène Dupré")).click()
    page.get_by_role("button", name=re.compile("Portrait studio")).click()
    expect(page.get_by_test_id("due")).to_have_text("75,00 €")  # drawn in place (htmx): each step is seen first
    page.get_by_role("button", name=re.compile("Brushing")).click()
    expect(page.get_by_test_id("due")).to_have_text("105,00 €")
    page.get_by_role("button", name=re.compile("10 € offerts")).click()
    expect(page.get_by_test_id("due")).to_have_text("95,00 €")


def test_the_amount_due_in_french_typed_with_a_comma_or_a_point_and_garbage_refused(live_server, context, salon,
                                                                                      shoot):
    page = context.new_page()
    open_sale_of_95(page, live_server)
    amount, card = page.get_by_label("Montant reçu"), page.get_by_role("button", name="Carte")
    expect(amount).to_have_value("95,00")
    totals = page.locator(".totals")

    for typed, refusal in [("abc", "« abc » n'est pas un montant : tapez-le comme 50,00."),
                           ("-5", "Un montant ne peut pas être négatif."),
                           ("1e5", "« 1e5 » n'est pas un montant : tapez-le comme 50,00."),
                           ("95,001", "« 95,001 » n'est pas un montant : tapez-le comme 50,00."),
                           ("20000000", "« 20000000 » est un montant trop élevé."),
                           ("0", "Tapez le montant reçu, par ex. 50,00")]:
        amount.fill(typed)
        card.click()
        expect(page.locator(".message.error")).to_have_text(refusal)
        expect(page.get_by_test_id("due")).to_have_text("95,00 €")  # no payment
        expect(totals).not_to_contain_text("Payé")
        if typed == "0":  # an amount, refused by the payment rules: the field offers the amount due again
            expect(amount).to_have_value("95,00")
        else:  # what was typed stays in the field, marked and focused, to be corrected
            expect(amount).to_have_value(typed)
            expect(amount).to_have_attribute("aria-invalid", "true")
            expect(amount).to_be_focused()
        if typed == "abc":
            shoot(page, "40-amount-not-an-amount")

    amount.fill("50.00")  # a point works too
    card.click()
    expect(page.locator(".message.ok")).to_have_text("50,00 € reçus. Reste à payer : 45,00 €.")
    expect(page.get_by_test_id("due")).to_have_text("45,00 €")
    expect(amount).to_have_value("45,00")
    shoot(page, "41-amount-partly-paid")
    amount.fill("45,00")
    card.click()
    expect(page.get_by_test_id("paid-title")).to_have_text(re.compile(r"Vente n° \d+ payée"))
    expect(page.get_by_test_id("new-balance")).to_have_text("245")


@pytest.mark.parametrize("lang, prefilled, refusal", [
    ("en", "95.00", "“abc” is not an amount: type it like 50.00."),
    ("it", "95,00", "“abc” non è un importo: scrivilo come 50,00."),
])
def test_the_amount_in_english_and_italian_follows_the_page(live_server, context, salon, lang, prefilled, refusal):
    page = context.new_page()
    open_sale_of_95(page, live_server)
    page.get_by_role("button", name=lang.upper(), exact=True).click()
    amount = page.locator("#amount")
    expect(amount).to_have_value(prefilled)  # written as the page writes the due (€95.00 in English)
    amount.fill("abc")
    page.locator("button[value=card]").click()
    expect(page.locator(".message.error")).to_have_text(refusal)
    amount.fill("95.00")
    page.locator("button[value=card]").click()
    expect(page.get_by_test_id("paid-title")).to_be_visible()
