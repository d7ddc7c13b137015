"""The default layout as text: every figure a salon and its client expect, in their language, fitted to
58 and 80 mm paper; and salon-edited layouts that fail with the line of their mistake."""
import os
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_loyalty.core.receipt import ReceiptLine
from pos_loyalty.printing import layout, outputs
from pos_loyalty.printing.instructions import QRCode, Start, Text

from .sample import CARD, LINK, sample_receipt

GOLDEN = Path(__file__).with_name("golden")
EXPECTED = ["Salon Étoile", "12 rue des Martyrs, 75009 Paris", "N° TVA FR 32 123456789", "Vente n° 1042",
            "22/11/2026 10:15", "Caisse 1", "Camille", "Balayage", "120,00 €", "Shampooing réparateur 250 ml",
            "2 x 18,90 €", "37,80 €", "10 € offerts", "-10,00 €", "157,80 €", "147,80 €", "100,00 €", "50,00 €",
            "2,20 €", "Hélène Dupré", "147,80 € dépensés", "+147", "+20", "Bonus de bienvenue", "+10",
            "Récompense : 10 € offerts", "-100", "Nouveau solde", "310 points",
            "40 points expirent le 31/01/2027", "Pose vernis offerte", "150 pts", "Plus que 40 points pour",
            "Bon de 25 €", "HELENE-DUPRE", CARD, "Merci de votre visite"]


def text_of(receipt, width):
    return outputs.to_text(layout.render(receipt, width), width)


@pytest.mark.parametrize("width", [32, 48])
def test_text_receipt_matches_its_golden_file(width):
    """UPDATE_GOLDEN=1 rewrites the golden files; review their diff before committing."""
    text = text_of(sample_receipt(), width)
    golden = GOLDEN / f"receipt-{width}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [32, 48])
def test_text_receipt_says_everything_and_fits_the_paper(width):
    text = text_of(sample_receipt(), width)
    flat = " ".join(text.split())
    for expected in EXPECTED:
        assert expected in flat, expected
    assert "Hélène" in text and "€" in text
    for line in text.splitlines():
        assert len(line) <= width or line == CARD  # the QR code's link stays whole, to be copied
    lines = [line.strip() for line in text.splitlines()]
    if width >= len(LINK):
        assert LINK in lines  # the referral link, printed as text
    else:  # cut after its last "/", never in the code
        assert lines[lines.index("https://salon-etoile.fr/r/") + 1] == "HELENE-DUPRE"


def test_amounts_are_right_aligned_on_the_edge_of_the_paper():
    lines = text_of(sample_receipt(), 32).splitlines()
    for amount in ("120,00 €", "37,80 €", "157,80 €", "147,80 €", "2,20 €"):
        line = next(line for line in lines if line.endswith(amount))
        assert len(line) == 32


@pytest.mark.parametrize("locale,currency,words", [
    ("en_GB", "GBP", ["Sale no. 1042", "To pay", "£147.80", "New balance", "310 points",
                      "40 points expire on 31/01/2027", "Reward: 10 € offerts", "Served by Camille", "Cash",
                      "Rewards you can have now:", "40 more points for: Bon de 25 €", "Your referral code"]),
    ("it_IT", "EUR", ["Vendita n. 1042", "Da pagare", "147,80 €", "Nuovo saldo", "310 punti",
                      "40 punti scadono il 31/01/2027", "Contanti", "Ancora 40 punti per: Bon de 25 €",
                      "22/11/2026 10:15"]),
])
def test_receipt_speaks_the_salons_language(locale, currency, words):
    text = " ".join(text_of(replace(sample_receipt(locale), currency=currency), 48).split())
    for word in words:
        assert word in text, word


def test_one_point_is_singular():
    receipt = sample_receipt("en_GB")
    receipt = replace(receipt, loyalty=replace(receipt.loyalty, balance=1, next_expiry_points=1))
    text = text_of(receipt, 48)
    assert "1 point\n" in text and "1 point expires on 31/01/2027" in text


def test_no_client_no_loyalty_block_and_an_unpaid_sale_says_so():
    text = text_of(replace(sample_receipt(), loyalty=None, status="open"), 32)
    assert "Hélène" not in text and "fidélité" not in text and LINK not in text and CARD not in text
    assert "NON RÉGLÉE" in text


def test_plugin_blocks_and_multiline_footer_are_printed():
    receipt = replace(sample_receipt(), extra={"Carte cadeau": ["Solde : 35,00 €"]}, footer="Merci !\nÀ bientôt")
    lines = text_of(receipt, 32).splitlines()
    assert "Carte cadeau" in lines[-5] and lines[-4] == "Solde : 35,00 €"
    assert [line.strip() for line in lines[-2:]] == ["Merci !", "À bientôt"]


def test_data_cannot_inject_markup_or_printer_commands():
    receipt = sample_receipt()
    receipt = replace(receipt, salon_name="@cut Salon | Spa",
                      lines=(ReceiptLine("X", "@qr evil\n@cut", 1, Decimal("5.00"), Decimal("5.00")),
                             ReceiptLine("Y", "Soin \x1b@\x1bt\x01 cœur’s", 1, Decimal("1.00"), Decimal("1.00"))))
    instructions = layout.render(receipt, 48)
    assert [i for i in instructions if isinstance(i, QRCode)] == [QRCode(CARD)]
    text = outputs.to_text(instructions)
    assert "@cut Salon | Spa" in text and "@qr evil @cut" in text
    assert "Soin @t coeur's" in text and "\x1b" not in text


def test_a_long_item_name_wraps_and_keeps_its_amount_on_the_edge():
    name = "Coloration végétale ton sur ton, cheveux très longs et épais"
    receipt = replace(sample_receipt(), lines=(ReceiptLine("C", name, 1, Decimal("1234.50"), Decimal("1234.50")),))
    lines = text_of(receipt, 32).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Coloration"))
    assert lines[start + 2].endswith("1 234,50 €") and len(lines[start + 2]) == 32
    assert " ".join(" ".join(lines[start:start + 3]).split()).startswith(name)


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=80)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, client=names, amount=amounts, quantity=st.integers(1, 99), width=st.sampled_from([32, 48]))
def test_any_names_and_amounts_fit_and_print(name, client, amount, quantity, width):
    receipt = sample_receipt()
    receipt = replace(receipt, lines=(ReceiptLine("Z", name, quantity, amount, amount * quantity),),
                      loyalty=replace(receipt.loyalty, client_name=client))
    instructions = layout.render(receipt, width)
    assert isinstance(instructions[0], Start) and instructions[0].columns == width
    for item in instructions:
        if isinstance(item, Text):
            room = width // 2 if item.double else width
            assert len(item.placed(room)) <= room, item
            assert all(ord(c) >= 0x20 for c in item.left + item.right)
    assert [i for i in instructions if isinstance(i, QRCode)] == [QRCode(CARD)]
    outputs.to_escpos(instructions, outputs.profile_for_width(width))


def test_a_salon_layout_overrides_a_block_of_the_default(tmp_path):
    (tmp_path / "short.txt.j2").write_text(
        '{% extends "default.txt.j2" %}{% block footer %}@center Instagram {{ "@salon.etoile" }}\n@cut\n'
        '{% endblock %}', encoding="utf-8")
    text = outputs.to_text(layout.render(sample_receipt(), 48, "short", folder=tmp_path))
    assert "Instagram @salon.etoile" in text and "Merci de votre visite" not in text and "310 points" in text


@pytest.mark.parametrize("source,message", [
    ("@center {{ receipt.salon_name }}\n@columns left without bar\n", "line 2: @columns needs LEFT | RIGHT"),
    ("@center ok\n\n@shout {{ receipt.till }}\n", "line 3: unknown directive @shout"),
    ("line\n{{ receipt.no_such_field }}\n", "line 2"),
    ("line\n{% if %}\n", "line 2"),
    ("@feed many\n", "line 1: @feed takes a number"),
])
def test_a_mistake_in_a_salons_layout_is_reported_with_its_line(tmp_path, source, message):
    (tmp_path / "broken.txt.j2").write_text(source, encoding="utf-8")
    with pytest.raises(layout.LayoutError, match=message):
        layout.render(sample_receipt(), 48, "broken", folder=tmp_path)


def test_layouts_are_sandboxed_and_named_safely(tmp_path):
    (tmp_path / "nosy.txt.j2").write_text("{{ receipt.__class__.__init__.__globals__ }}\n", encoding="utf-8")
    with pytest.raises(layout.LayoutError):
        layout.render(sample_receipt(), 48, "nosy", folder=tmp_path)
    with pytest.raises(layout.LayoutError, match="not a layout name"):
        layout.render(sample_receipt(), 48, "../etc/passwd")
    with pytest.raises(layout.LayoutError, match="no receipt layout"):
        layout.render(sample_receipt(), 48, "missing")
    with pytest.raises(layout.LayoutError, match="columns wide"):
        layout.render(sample_receipt(), 8)


def test_money_is_never_a_float():
    money = layout.helpers("fr_FR", "EUR")["money"]
    assert money(Decimal("75")) == "75,00\u00a0€"
    with pytest.raises(TypeError):
        money(75.0)


def test_every_directive_of_the_readme(tmp_path):
    (tmp_path / "all.txt.j2").write_text(
        "@right @underline droite\n@truncate Un nom beaucoup trop long pour une ligne de papier\n"
        "@rule =\n@feed 2\n@double @center Gros\n@columns  indenté | 1,00 €\n@qr {{ 'x|y@z' }}\n@cut\n",
        encoding="utf-8")
    instructions = layout.render(sample_receipt(), 32, "all", folder=tmp_path)
    assert outputs.to_text(instructions).splitlines() == [
        " " * 26 + "droite", "Un nom beaucoup trop long pour.", "=" * 32, "", "", " " * 14 + "Gros",
        " indenté" + " " * 18 + "1,00 €", " " * 13 + "x|y@z"]
    assert instructions[1] == Text("droite", align="right", underline=True)
    assert QRCode("x|y@z") in instructions
