"""One layout, three outputs: text, the exact ESC/POS bytes (read back by our own reader), a PNG preview."""
import io
import os
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from pos_loyalty.printing import layout, outputs

from .escpos_reader import UnknownCommand, decode
from .sample import sample_receipt

GOLDEN = Path(__file__).with_name("golden")
PREVIEWS = Path(os.environ.get("RECEIPT_PREVIEWS", "test-artifacts/receipts"))
EXPECTED = ["Salon Étoile", "Balayage", "Shampooing réparateur 250 ml", "157,80 €", "147,80 €", "+147", "+20",
            "10 € offerts", "-100", "310 points", "40 points expirent le 31/01/2027", "Hélène", "HELENE-DUPRE"]


@pytest.mark.parametrize("width", [32, 48])
def test_text_receipt_matches_its_golden_file(width):
    text = outputs.to_text(layout.render(sample_receipt(), width), width)
    golden = GOLDEN / f"receipt-{width}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= max(width, len(sample_receipt().loyalty.referral_link))
    for expected in EXPECTED:
        assert expected in text


@pytest.mark.parametrize("width", [32, 48])
def test_escpos_bytes_read_back_to_the_same_receipt(width):
    data = outputs.to_escpos(layout.render(sample_receipt(), width), outputs.profile_for_width(width))
    decoded = decode(data)
    for expected in EXPECTED:
        assert expected in decoded.text, expected
    assert "€" in decoded.text and "Merci de votre visite ! À bientôt." in decoded.text.replace("\n", " ")
    assert set(decoded.code_pages) == {19}
    assert decoded.cuts == (1 if width == 48 else 0)  # the 58 mm profile's printer has no cutter


def qr_from(decoded):
    if decoded.qr_payloads:  # native QR: the payload is in the command; draw it to prove it scans
        import qrcode

        return [zxingcpp.read_barcode(qrcode.make(p).get_image().convert("L")).text for p in decoded.qr_payloads]
    return [zxingcpp.read_barcode(image.convert("L")).text for image in decoded.images]


@pytest.mark.parametrize("width", [32, 48])
def test_qr_code_in_the_bytes_scans_to_the_referral_link(width):
    decoded = decode(outputs.to_escpos(layout.render(sample_receipt(), width), outputs.profile_for_width(width)))
    assert qr_from(decoded) == ["https://salon-etoile.fr/r/HELENE-DUPRE"]


@pytest.mark.parametrize("width", [32, 48])
def test_png_preview_shows_the_receipt_and_its_qr(width):
    png = outputs.to_png(layout.render(sample_receipt(), width), width)
    image = Image.open(io.BytesIO(png))
    assert image.width == (384 if width == 32 else 576) + 32
    assert zxingcpp.read_barcode(image.convert("L")).text == "https://salon-etoile.fr/r/HELENE-DUPRE"
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    (PREVIEWS / f"receipt-{width}.png").write_bytes(png)


@pytest.mark.parametrize("locale,words", [("en_GB", ["To pay", "New balance", "£"]),
                                          ("it_IT", ["Da pagare", "Nuovo saldo", "scadono"])])
def test_receipt_speaks_the_salons_language(locale, words):
    receipt = sample_receipt(locale)
    if locale == "en_GB":
        from dataclasses import replace

        receipt = replace(receipt, currency="GBP")
    text = outputs.to_text(layout.render(receipt, 48), 48)
    for word in words:
        assert word in text


def test_reader_refuses_unknown_commands():
    with pytest.raises(UnknownCommand):
        decode(b"\x1b@\x1bt\x13Hello\n\x1b\x99")
    with pytest.raises(UnknownCommand):
        decode(b"Hello\n")  # text before a code page was chosen


def test_a_mistake_in_a_salons_layout_is_reported_with_its_line(tmp_path):
    (tmp_path / "broken.txt.j2").write_text("@center {{ receipt.salon_name }}\n@columns a | b\n")
    with pytest.raises(layout.LayoutError, match="line 2"):
        layout.render(sample_receipt(), 48, "broken", folder=tmp_path)
