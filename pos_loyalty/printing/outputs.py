"""The three outputs of a laid-out receipt: plain text, ESC/POS bytes, PNG preview."""
from __future__ import annotations

import io
from pathlib import Path

from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from pos_loyalty.printing.layout import Cut, Feed, Instruction, Line, QRCode, Rule

# ESC t 19 selects PC858 (Latin-1 with €) on Epson TM printers and the common 58 mm clones alike.
CODE_PAGE_NUMBER = 19
CODE_PAGE_CODEC = "cp858"
PROFILES = {48: "TM-T20II", 32: "POS-5890"}
ESC, GS = b"\x1b", b"\x1d"
ALIGN = {"left": 0, "center": 1, "right": 2}
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
              "/usr/share/fonts/TTF/DejaVuSansMono.ttf", "C:/Windows/Fonts/consola.ttf")
BOLD_FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",)


def profile_for_width(width: int) -> str:
    return PROFILES.get(width, "TM-T20II")


def _placed(line: Line, width: int) -> str:
    columns = width // 2 if line.big else width
    if line.align == "center":
        return line.text.center(columns).rstrip()
    if line.align == "right":
        return line.text.rjust(columns)
    return line.text


def to_text(instructions: list[Instruction], width: int = 48) -> str:
    out = []
    for item in instructions:
        if isinstance(item, Line):
            out.append(item.text.center(width).rstrip() if item.big and item.align == "center" else _placed(item, width))
        elif isinstance(item, Rule):
            out.append(item.char * width)
        elif isinstance(item, QRCode):
            out.append(item.data.center(width).rstrip())
        elif isinstance(item, Feed):
            out.extend([""] * item.lines)
        elif isinstance(item, Cut):
            out.append("")
    return "\n".join(line.rstrip() for line in out).rstrip("\n") + "\n"


def encode(text: str) -> bytes:
    """Text in the code page we set ourselves; a character it lacks prints as ? rather than garbage."""
    return text.encode(CODE_PAGE_CODEC, errors="replace")


def to_escpos(instructions: list[Instruction], profile: str = "TM-T20II") -> bytes:
    printer = Dummy(profile=profile)
    width = printer.profile.get_columns("a") or 48
    native_qr = printer.profile.supports("qrCode")
    # Reset, then the code page explicitly: python-escpos's automatic choice picks pages cheap printers
    # lack, and a reset (ESC @) silently returns the printer to its default page.
    printer._raw(ESC + b"@" + ESC + b"t" + bytes([CODE_PAGE_NUMBER]))
    for item in instructions:
        if isinstance(item, Line):
            size = 0x11 if item.big else 0x00
            printer._raw(ESC + b"a" + bytes([ALIGN[item.align]]) + ESC + b"E" + bytes([int(item.bold)])
                         + GS + b"!" + bytes([size]))
            printer._raw(encode(item.text) + b"\n")
        elif isinstance(item, Rule):
            printer._raw(ESC + b"a\x00" + ESC + b"E\x00" + GS + b"!\x00" + encode(item.char * width) + b"\n")
        elif isinstance(item, QRCode):
            printer._raw(ESC + b"a\x01")
            if native_qr:
                printer.qr(item.data, native=True, size=5 if width >= 48 else 4, center=False)
            else:
                # Printers without a QR command get a raster image; not through qr(native=False), which
                # also switches the code page (ESC t 1) behind our back.
                import qrcode

                printer.image(qrcode.make(item.data, box_size=4, border=2).get_image(), center=False)
            printer._raw(ESC + b"a\x00")
        elif isinstance(item, Feed):
            printer._raw(b"\n" * item.lines)
        elif isinstance(item, Cut):
            printer.cut()
    return printer.output


def _font(paths, size: int):
    for path in paths:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def to_png(instructions: list[Instruction], width: int = 48) -> bytes:
    """A preview of the paper: 576 dots wide for 80 mm, 384 for 58 mm, the printer's own resolution."""
    import qrcode

    dots = 576 if width >= 48 else 384
    cell = dots / width
    size = max(int(cell * 1.65), 8)
    regular, bold = _font(FONT_PATHS, size), _font(BOLD_FONT_PATHS or FONT_PATHS, size)
    big_regular, big_bold = _font(FONT_PATHS, size * 2), _font(BOLD_FONT_PATHS or FONT_PATHS, size * 2)
    line_height = int(size * 1.35)
    rows: list[tuple[str, object]] = []
    height = 16
    for item in instructions:
        if isinstance(item, QRCode):
            image = qrcode.make(item.data, box_size=4, border=2).get_image().convert("L")
            rows.append(("qr", image))
            height += image.height + 8
        elif isinstance(item, Line) and item.big:
            rows.append(("line", item))
            height += line_height * 2
        elif isinstance(item, Feed):
            rows.append(("feed", item.lines))
            height += line_height * item.lines
        else:
            rows.append(("line", item))
            height += line_height
    page = Image.new("L", (dots + 32, height + 16), 255)
    draw = ImageDraw.Draw(page)
    y = 16
    for kind, item in rows:
        if kind == "qr":
            page.paste(item, ((page.width - item.width) // 2, y))
            y += item.height + 8
        elif kind == "feed":
            y += line_height * item
        elif isinstance(item, Rule):
            draw.text((16, y), item.char * width, font=regular, fill=0)
            y += line_height
        elif isinstance(item, Cut):
            draw.line((0, y + line_height // 2, page.width, y + line_height // 2), fill=160)
            y += line_height
        else:
            font = (big_bold if item.bold else big_regular) if item.big else (bold if item.bold else regular)
            text_width = draw.textlength(item.text, font=font)
            x = 16 + {"left": 0, "center": (dots - text_width) / 2, "right": dots - text_width}[item.align]
            draw.text((max(x, 16), y), item.text, font=font, fill=0)
            y += line_height * (2 if item.big else 1)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
