"""The exact ESC/POS bytes, read back by our own reader (not python-escpos): the same receipt as the text,
in the code page set at the start, with a QR code that scans to the referral link."""
from dataclasses import replace
from decimal import Decimal

import pytest
import zxingcpp

from pos_loyalty.core.receipt import ReceiptLine
from pos_loyalty.printing import layout, outputs
from pos_loyalty.printing.instructions import Cut, QRCode, Rule, Start, Text

from .escpos_reader import UnknownCommand, decode
from .sample import CARD, sample_receipt
from .test_layout import EXPECTED

MODELS = [(48, "TM-T20II"), (32, "generic-58mm"), (32, "TM-T20II"), (48, "generic-80mm")]


def escpos(width, model, receipt=None):
    return outputs.to_escpos(layout.render(receipt or sample_receipt(), width), model)


def words(text):
    return " ".join(text.split())


@pytest.mark.parametrize("width,model", MODELS)
def test_bytes_read_back_to_the_whole_receipt(width, model):
    decoded = decode(escpos(width, model))
    flat = words(decoded.text)
    for expected in EXPECTED:
        if expected != CARD:  # the card's link is in the QR code, not printed
            assert expected in flat, expected
    assert "Hélène" in decoded.text and "€" in decoded.text


@pytest.mark.parametrize("width,model", MODELS)
def test_paper_shows_what_the_text_receipt_shows(width, model):
    instructions = layout.render(sample_receipt(), width)
    text_lines = [line for line in outputs.to_text(instructions).splitlines() if line.strip() != CARD]
    printed = [line.text for line in decode(outputs.to_escpos(instructions, model)).lines]
    # Same lines in the same order; only double-size lines are placed differently (half the columns).
    assert [words(line) for line in printed if line.strip()] == [words(line) for line in text_lines if line.strip()]


@pytest.mark.parametrize("width,model", MODELS)
def test_code_page_is_set_explicitly_once_at_the_start(width, model):
    data = escpos(width, model)
    assert data.startswith(b"\x1b@\x1bt\x13")  # reset, then PC858 (ESC t 19) before any text
    decoded = decode(data)
    assert decoded.code_pages == [19] and decoded.resets == 1
    assert "\xd5".encode("latin-1") in data  # € in PC858


def test_styles_reach_the_paper():
    decoded = decode(escpos(48, "TM-T20II"))
    assert decoded.line_with("Salon Étoile").double and decoded.line_with("Salon Étoile").bold
    assert decoded.line_with("147,80 €").double  # "À payer" on 80 mm
    assert decoded.line_with("Nouveau solde").bold and not decoded.line_with("Balayage").bold
    assert decoded.line_with("Points gagnés").underline and decoded.line_with("Points utilisés").underline


def test_cut_where_the_model_has_a_cutter():
    assert decode(escpos(48, "TM-T20II")).cuts == 1
    assert decode(escpos(32, "generic-58mm")).cuts == 0  # POS-5890 class printers tear off


@pytest.mark.parametrize("width", [32, 48])
def test_native_qr_code_holds_and_scans_to_the_card_link(width):
    decoded = decode(escpos(width, "TM-T20II"))
    assert decoded.qr_payloads == [CARD] and not decoded.images
    # GS ( k carries no pixels: the printer draws the code with the module size and error correction the
    # bytes chose. Drawn so, it must fit the paper's dots and scan to the link.
    (symbol,) = decoded.qr_symbols
    assert symbol.error_correction in ("M", "Q", "H")  # survives a smudge or a fold
    assert symbol.module_dots >= 4 and symbol.width_dots <= width * 12
    assert zxingcpp.read_barcode(symbol.draw()).text == CARD


def test_qr_code_on_a_printer_without_qr_command_is_an_image_that_scans():
    decoded = decode(escpos(32, "generic-58mm"))
    assert decoded.qr_payloads == [] and len(decoded.images) == 1
    image = decoded.images[0]
    assert image.width == 384  # centred on the 58 mm dot line
    assert zxingcpp.read_barcode(image.convert("L")).text == CARD


def test_characters_the_printer_lacks_are_replaced_not_garbled():
    receipt = replace(sample_receipt(), lines=(
        ReceiptLine("S", "Sœur’s “soin” – 1…", 1, Decimal("5.00"), Decimal("5.00")),
        ReceiptLine("P", "Pédicure ñ ß ü ô ç ù 中", 1, Decimal("5.00"), Decimal("5.00"))))
    text = decode(escpos(48, "TM-T20II", receipt)).text
    assert "Soeur's \"soin\" - 1..." in text and "Pédicure ñ ß ü ô ç ù ?" in text


def test_instructions_built_by_hand_print_too():
    data = outputs.to_escpos([Start(32), Text("Étoile", align="center"), Text("Total", "9,00 €", bold=True),
                              Rule("="), QRCode("HELLO"), Cut()], "TM-T20II")
    decoded = decode(data)
    assert [line.text for line in decoded.lines[:3]] == [" " * 13 + "Étoile", "Total" + " " * 21 + "9,00 €", "=" * 32]
    assert decoded.qr_payloads == ["HELLO"]


def test_unknown_printer_model_is_a_clear_error():
    with pytest.raises(outputs.UnknownPrinterModel, match="unknown printer model"):
        escpos(48, "Laser-9000")


@pytest.mark.parametrize("data,problem", [
    (b"\x1b@\x1bt\x13Hello\n\x1b\x99", "ESC 0x99"),
    (b"Hello\n", "before any code page"),
    (b"\x1b@\x1bt\x13Hello", "no line feed"),
    (b"\x1b@\x1bt\x63Hello\n", "ESC t 99"),
    (b"\x1b@\x1bt\x13\x1d(k\x04\x001P0", "truncated"),
    (b"\x1b@\x1bt\x13\x1d(k\x03\x001Q0", "no data stored"),
    (b"\x1b@\x1bt\x13\x07\n", "control byte"),
    (b"\x1b@\x1bt\x13\x1d!\x22", "GS !"),
])
def test_the_reader_refuses_what_it_does_not_know(data, problem):
    with pytest.raises(UnknownCommand, match=problem):
        decode(data)
