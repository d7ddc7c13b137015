"""The receipt as the exact ESC/POS bytes a thermal printer gets.

python-escpos's Dummy printer collects the bytes and knows each model's capabilities (QR command, cutter,
dot width, code pages), but the text is encoded here: its automatic code-page choice ("magic encoder")
picks pages that cheap printers lack and forgets the page after a reset. So every receipt starts with
ESC @ (reset) then ESC t n for PC858 (Latin-1 letters and €) and all text is sent raw in that page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import qrcode

if TYPE_CHECKING:
    from escpos.printer import Dummy

from pos_loyalty.printing.instructions import Cut, Feed, Instruction, QRCode, Rule, Start, Text, columns_of

ESC, GS = b"\x1b", b"\x1d"
# Pages with € and é è à ç ù ü ô, most widely available first; the python codec of each.
CODE_PAGES = (("CP858", "cp858"), ("CP1252", "cp1252"))
QR_MODULE_DOTS = {32: 5, 48: 6}  # about 0.6 to 0.75 mm per module at 203 dpi: scans from a phone at arm's length


@dataclass(frozen=True)
class PrinterModel:
    escpos_profile: str  # a python-escpos capabilities profile
    description: str


MODELS = {
    "TM-T20II": PrinterModel("TM-T20II", "Epson TM-T20II and compatible 80 mm printers (native QR, cutter)"),
    "generic-80mm": PrinterModel("TM-T20II", "any 80 mm ESC/POS printer that knows Epson's QR command"),
    "generic-58mm": PrinterModel("POS-5890", "58 mm POS-5890 class printers: QR sent as an image, no cutter"),
}
WIDTH_MODELS = {32: "generic-58mm", 48: "TM-T20II"}


class UnknownPrinterModel(ValueError):
    pass


def profile_for_width(width: int) -> str:
    """The printer model used when a till only says how wide its paper is."""
    return WIDTH_MODELS.get(width, "TM-T20II")


def to_escpos(instructions: list[Instruction], profile: str = "TM-T20II") -> bytes:
    """The ESC/POS bytes of the receipt for printer model `profile` (a key of MODELS, or any python-escpos
    profile name)."""
    printer = _dummy(profile)
    page, codec = code_page(printer)
    columns = columns_of(instructions)
    printer._raw(ESC + b"@" + ESC + b"t" + bytes([page]))  # reset, then our code page: never the default
    for item in instructions:
        if isinstance(item, Text):
            room = columns // 2 if item.double else columns
            printer._raw(_style(item.bold, item.underline, item.double)
                         + item.placed(room).encode(codec, errors="replace") + b"\n")
        elif isinstance(item, Rule):
            printer._raw(_style() + (item.char * columns).encode(codec, errors="replace") + b"\n")
        elif isinstance(item, QRCode):
            _qr(printer, item.data, columns)
        elif isinstance(item, Feed):
            printer._raw(ESC + b"d" + bytes([item.lines]))
        elif isinstance(item, Cut):
            printer._raw(_style())
            printer.cut(mode="PART")  # feeds past the cutter first; a model without a cutter only feeds
        elif not isinstance(item, Start):
            raise TypeError(f"not a print instruction: {item!r}")
    return printer.output


def code_page(printer: Dummy) -> tuple[int, str]:
    """(ESC t number, python codec) of the first page of CODE_PAGES the model has."""
    pages = printer.profile.codePages  # {"19": "CP858", "53": "CP858", ...}
    for name, codec in CODE_PAGES:
        # The lowest number is Epson's standard one (19 for PC858); clones repeat pages higher up.
        numbers = sorted(int(number) for number, page in pages.items() if page == name)
        if numbers:
            return numbers[0], codec
    raise UnknownPrinterModel(f"printer model {printer.profile.profile_data.get('name')!r} has no code page "
                              "with € and accents (PC858 or Windows-1252)")


def _dummy(profile: str) -> Dummy:
    # Imported here: python-escpos reads its capabilities database on import (~1 s), which every start of
    # the app, CLI and server would otherwise pay before printing anything.
    from escpos.printer import Dummy

    model = MODELS.get(profile)
    try:
        return Dummy(profile=model.escpos_profile if model else profile)
    except Exception as error:  # python-escpos raises a bare NotSupported/KeyError for unknown names
        raise UnknownPrinterModel(f"unknown printer model {profile!r}; known: {', '.join(MODELS)} or a "
                                  "python-escpos profile name") from error


def _style(bold: bool = False, underline: bool = False, double: bool = False) -> bytes:
    """Every line states its whole style, so no line inherits a forgotten one."""
    return (ESC + b"E" + bytes([bold]) + ESC + b"-" + bytes([underline])
            + GS + b"!" + (b"\x11" if double else b"\x00"))


def _qr(printer: Dummy, data: str, columns: int) -> None:
    dots = QR_MODULE_DOTS.get(columns, 5)
    if printer.profile.supports("qrCode"):
        # Native GS ( k: sharp at any size and a few dozen bytes; centred by the justification command.
        printer._raw(ESC + b"a\x01")
        from escpos.constants import QR_ECLEVEL_M

        printer.qr(data, ec=QR_ECLEVEL_M, size=dots, native=True)
        printer._raw(ESC + b"a\x00")
    else:
        # No QR command: send it as a raster image. Built here and not with printer.qr(), whose image path
        # goes through printer.text() and the automatic code-page choice this module avoids.
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=dots, border=2)
        code.add_data(data)
        printer.image(code.make_image().get_image().convert("1"), center=True)
