"""The PNG preview: the printer's geometry, € and accents in a real font, a QR code that scans. The previews
are written to $RECEIPT_PREVIEWS (default /tmp/receipt-previews) for a person to look at."""
import io
import os
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops

from pos_loyalty.printing import layout, outputs, png_output

from .sample import LINK, sample_receipt

PREVIEWS = Path(os.environ.get("RECEIPT_PREVIEWS", "/tmp/receipt-previews"))


@pytest.mark.parametrize("width,dots", [(32, 384), (48, 576)])
def test_png_preview_is_the_paper_and_its_qr_code_scans(width, dots):
    png = outputs.to_png(layout.render(sample_receipt(), width), width)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == dots + 2 * png_output.MARGIN
    assert zxingcpp.read_barcode(image.convert("L")).text == LINK
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    (PREVIEWS / f"receipt-{width}.png").write_bytes(png)


def glyph(char):
    image = Image.new("L", (40, 40), 255)
    from PIL import ImageDraw

    ImageDraw.Draw(image).text((20, 30), char, font=png_output._font(False, 24), fill=0, anchor="ms")
    return image


@pytest.mark.parametrize("char", ["€", "é", "è", "à", "ç", "ù", "ü", "ô", "É"])
def test_the_preview_font_draws_euro_and_accents(char):
    drawn = glyph(char)
    assert drawn.getbbox() is not None or ImageChops.invert(drawn).getbbox() is not None
    # A font without the glyph draws the same box for every missing character.
    assert ImageChops.difference(drawn, glyph("\uffff")).getbbox() is not None
    assert ImageChops.difference(drawn, glyph(char.encode("ascii", "ignore").decode() or "e")).getbbox()
