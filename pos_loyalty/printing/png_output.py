"""A PNG preview of the paper, for the panel and for salons editing a layout: the printer's own geometry
(12 x 24 dot characters, 576 dots across 80 mm paper, 384 across 58 mm), a monospace font with € and
accents, and the QR code drawn as the printer draws it."""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from pos_loyalty.printing.escpos_output import QR_MODULE_DOTS
from pos_loyalty.printing.instructions import Cut, Feed, Instruction, QRCode, Rule, Start, Text, columns_of

CELL_WIDTH, CELL_HEIGHT, LINE_HEIGHT = 12, 24, 30  # font A of an Epson TM: 12 x 24 dots, 1/6" line feed
MARGIN = 16
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts",
             "C:/Windows/Fonts", str(Path.home() / ".fonts"))
FONT_FILES = {False: ("DejaVuSansMono.ttf", "LiberationMono-Regular.ttf", "consola.ttf", "Menlo.ttc"),
              True: ("DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf", "consolab.ttf", "Menlo.ttc")}


def to_png(instructions: list[Instruction], width_columns: int | None = None) -> bytes:
    """The receipt as a PNG image of the paper: the printable width with a white margin, cut marked dashed."""
    columns = columns_of(instructions, width_columns)
    paper = columns * CELL_WIDTH
    rows = [_row(item, columns) for item in instructions if not isinstance(item, Start)]
    height = sum(row_height for row_height, _ in rows) + 2 * MARGIN
    page = Image.new("L", (paper + 2 * MARGIN, height), 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for row_height, paint in rows:
        paint(page, draw, y)
        y += row_height
    buffer = io.BytesIO()
    page.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _row(item: Instruction, columns: int):
    """(height in dots, painter) for one instruction."""
    if isinstance(item, Text):
        scale = 2 if item.double else 1
        text = item.placed(columns // scale)
        return LINE_HEIGHT * scale, lambda page, draw, y: _draw_text(draw, y, text, item.bold, item.underline, scale)
    if isinstance(item, Rule):
        text = item.char * columns
        return LINE_HEIGHT, lambda page, draw, y: _draw_text(draw, y, text, False, False, 1)
    if isinstance(item, QRCode):
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                             box_size=QR_MODULE_DOTS.get(columns, 5), border=2)
        code.add_data(item.data)
        image = code.make_image().get_image().convert("L")
        return image.height + LINE_HEIGHT // 2, lambda page, draw, y: page.paste(
            image, ((page.width - image.width) // 2, y))
    if isinstance(item, Feed):
        return LINE_HEIGHT * item.lines, lambda page, draw, y: None
    if isinstance(item, Cut):
        def scissors(page, draw, y):
            for x in range(0, page.width, 12):  # a dashed line where the cutter cuts
                draw.line((x, y + LINE_HEIGHT, x + 6, y + LINE_HEIGHT), fill=150)
        return LINE_HEIGHT * 2, scissors
    raise TypeError(f"not a print instruction: {item!r}")


def _draw_text(draw: ImageDraw.ImageDraw, y: int, text: str, bold: bool, underline: bool, scale: int) -> None:
    font = _font(bold, CELL_HEIGHT * scale)
    cell = CELL_WIDTH * scale
    # One character per cell, like the printer: columns stay aligned even with a fallback font.
    for column, char in enumerate(text):
        if char != " ":
            draw.text((MARGIN + column * cell + cell / 2, y + CELL_HEIGHT * scale), char, font=font, fill=0,
                      anchor="ms")
    if underline and text.strip():
        start = len(text) - len(text.lstrip())
        # Pillow draws both end points: the last dot is the last cell's, not the first one past the paper.
        draw.line((MARGIN + start * cell, y + CELL_HEIGHT * scale + 3, MARGIN + len(text) * cell - 1,
                   y + CELL_HEIGHT * scale + 3), fill=0, width=scale)


@lru_cache(maxsize=8)
def _font(bold: bool, height: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    size = int(height * 0.8)  # a 20 pt DejaVu Sans Mono glyph is 12 dots wide: the printer's cell
    for name in FONT_FILES[bold]:
        path = _find(name)
        if path:
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)  # Pillow's own font has € and accents too (FreeType build)


@lru_cache(maxsize=16)
def _find(name: str) -> str | None:
    for folder in FONT_DIRS:
        root = Path(folder)
        if root.is_dir():
            for path in root.rglob(name):
                return str(path)
    return None
