"""The PNG preview: the printer's geometry, € and accents in a real font, a QR code that scans. The previews
are written to $RECEIPT_PREVIEWS (default /tmp/receipt-previews) for a person to look at."""
import io
import os
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from pos_loyalty.printing import layout, outputs, png_output
from pos_loyalty.printing.instructions import Feed, QRCode, Rule, Start, Text

from .sample import CARD, sample_receipt

PREVIEWS = Path(os.environ.get("RECEIPT_PREVIEWS", "/tmp/receipt-previews"))


INK = 128  # darker than this is ink; the dashed cut mark (150) is not


def has_ink(image: Image.Image) -> bool:
    return image.getextrema()[0] < INK


def printed_rows(instructions, columns: int):
    """(height in dots, whether it prints anything) of each row above the QR code, on the printer's line
    pitch: a text line is one line feed, a double-size line two."""
    for item in instructions:
        if isinstance(item, QRCode):
            return
        if isinstance(item, Text):
            scale = 2 if item.double else 1
            yield png_output.LINE_HEIGHT * scale, bool(item.placed(columns // scale).strip())
        elif isinstance(item, Rule):
            yield png_output.LINE_HEIGHT, item.char.strip() != ""
        elif isinstance(item, Feed):
            yield png_output.LINE_HEIGHT * item.lines, False
        elif not isinstance(item, Start):
            raise AssertionError(f"{item!r} above the QR code")


@pytest.mark.parametrize("width,dots", [(32, 384), (48, 576)])
def test_png_preview_is_the_paper_and_its_qr_code_scans(width, dots):
    instructions = layout.render(sample_receipt(), width)
    png = outputs.to_png(instructions, width)
    image = Image.open(io.BytesIO(png)).convert("L")
    margin = png_output.MARGIN
    assert image.width == dots + 2 * margin  # 58 mm paper is 384 dots across, 80 mm 576
    assert not has_ink(image.crop((0, 0, margin, image.height)))  # nothing printed off the paper
    assert not has_ink(image.crop((margin + dots, 0, image.width, image.height)))
    # Line by line: each printed line is ink in its own band, each blank line or feed is white paper.
    y, rows = margin, list(printed_rows(instructions, width))
    assert sum(prints for _, prints in rows) >= 20
    for number, (height, prints) in enumerate(rows):
        assert has_ink(image.crop((margin, y, margin + dots, y + height))) == prints, (number, y)
        y += height
    qr = zxingcpp.read_barcode(image)
    assert qr.text == CARD and qr.position.top_left.y > y  # the code scans, below the text above it
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    (PREVIEWS / f"receipt-{width}.png").write_bytes(png)


def glyph(char):
    image = Image.new("L", (40, 40), 255)
    ImageDraw.Draw(image).text((20, 30), char, font=png_output._font(False, 24), fill=0, anchor="ms")
    return image


@pytest.mark.parametrize("char", ["€", "é", "è", "à", "ç", "ù", "ü", "ô", "É"])
def test_the_preview_font_draws_euro_and_accents(char):
    drawn = glyph(char)
    # Ink, and as much as a letter of the printer's 12 x 24 dot cell: not a blank, not a speck.
    ink = ImageChops.invert(drawn).point(lambda value: 255 if value > 255 - INK else 0).getbbox()
    assert ink is not None, "nothing drawn"
    left, top, right, bottom = ink
    assert 6 <= right - left <= 16 and 10 <= bottom - top <= 24, ink
    # A font without the glyph draws the same box for every missing character.
    assert ImageChops.difference(drawn, glyph("\uffff")).getbbox() is not None
    assert ImageChops.difference(drawn, glyph(char.encode("ascii", "ignore").decode() or "e")).getbbox()
