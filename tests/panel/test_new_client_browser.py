"""Issue 3, point 1: a new client at the till in a few fields, with an optional referral code."""
import re

import pytest
from playwright.sync_api import expect

from salon_setup import set_program

from .steps import log_in

pytestmark = pytest.mark.sqlite_only


def test_a_new_client_with_a_referral_code_is_registered_and_attached_to_the_sale(live_server, context, salon,
                                                                                     api, shoot):
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    page = context.new_page()
    log_in(page, live_server)
    page.get_by_role("button", name=re.compile("Brushing")).click()
    expect(page.get_by_test_id("quote")).to_have_text(
        "Cette vente rapporte 30 points : choisissez le client pour les créditer.")

    page.get_by_text("Nouveau client").click()
    page.get_by_label("Prénom").fill("Lucie")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Téléphone").fill("appelez-moi")
    page.get_by_label("E-mail").fill("lucie@example.fr")
    page.get_by_label("Code de parrainage (facultatif)").fill("PAUL-INCONNU")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".message.error")).to_have_text(
        "Le numéro de téléphone n'est pas valide : chiffres, espaces et + uniquement.")
    expect(page.get_by_label("Téléphone")).to_be_focused()
    expect(page.get_by_label("Prénom")).to_have_value("Lucie")  # nothing to type again

    page.get_by_label("Téléphone").fill("06 98 76 54 32")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".message.error")).to_have_text("Aucun client n'a ce code de parrainage.")
    expect(page.get_by_label("Code de parrainage (facultatif)")).to_be_focused()
    expect(page.get_by_label("Code de parrainage (facultatif)")).to_have_value("PAUL-INCONNU")
    expect(page.get_by_label("Téléphone")).to_have_value("06 98 76 54 32")
    expect(page.get_by_test_id("due")).to_have_text("30,00 €")  # the sale is still there, without a client
    page.fill("#client-search", "Lucie")
    expect(page.locator("#client-results")).to_have_text("Aucun client trouvé.")  # nothing was created
    shoot(page, "10-new-client-unknown-referral-code")

    page.get_by_label("Code de parrainage (facultatif)").fill("helene-dupre")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".message.ok")).to_have_text(
        "Lucie Martin est enregistré(e), code de parrainage LUCIE-MARTIN.")
    expect(page.get_by_test_id("attached-client")).to_contain_text("Lucie Martin")
    expect(page.get_by_test_id("balance")).to_have_text("0")
    expect(page.get_by_test_id("due")).to_have_text("30,00 €")
    # 30 points for the brushing and the welcome bonus of 10: the referral is linked
    expect(page.get_by_test_id("quote")).to_have_text("Cette vente rapporte 40 points → solde après 40")
    shoot(page, "11-new-client-attached")

    page.get_by_role("button", name="Carte").click()
    expect(page.get_by_test_id("paid-title")).to_have_text(re.compile(r"Vente n° \d+ payée"))
    expect(page.get_by_test_id("new-balance")).to_have_text("40")
    page.get_by_role("button", name="Nouvelle vente").click()
    page.fill("#client-search", "hélène")
    page.get_by_role("button", name=re.compile("Hélène Dupré")).click()
    expect(page.get_by_test_id("balance")).to_have_text("230")  # 200 + the referrer's bonus


@pytest.mark.parametrize("lang, texts", [
    ("en", {"new": "New client", "first": "First name", "code": "Referral code (optional)", "register": "Register",
            "refused": "No client has this referral code."}),
    ("it", {"new": "Nuovo cliente", "first": "Nome", "code": "Codice amico (facoltativo)", "register": "Registra",
            "refused": "Nessun cliente ha questo codice amico."}),
])
def test_the_new_client_form_in_english_and_italian(live_server, context, salon, lang, texts):
    page = context.new_page()
    log_in(page, live_server)
    page.get_by_role("button", name=lang.upper(), exact=True).click()
    page.get_by_text(texts["new"]).click()
    page.get_by_label(texts["first"], exact=True).fill("Lucie")
    page.locator("#new-last_name").fill("Martin")
    page.get_by_label(texts["code"]).fill("NOBODY")
    page.get_by_role("button", name=texts["register"]).click()
    expect(page.locator(".message.error")).to_have_text(texts["refused"])
