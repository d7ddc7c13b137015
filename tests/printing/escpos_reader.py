"""A small ESC/POS reader for tests, written from Epson's command reference and independent of
python-escpos: it knows the commands a receipt may use and raises UnknownCommand on anything else, so a stray
or malformed command fails a test instead of printing garbage on a salon's paper.

decode(bytes) gives the printed lines (text decoded in the code page chosen by ESC t, with the style each
line was printed in), the QR payloads of GS ( k (and each symbol with the module size and error correction
the bytes chose, which the printer draws itself), the raster images of GS v 0, the cuts and the status
queries (DLE EOT) it met.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

# ESC t numbers of the Epson tables, with the python codec of each.
CODE_PAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252", 17: "cp866",
              18: "cp852", 19: "cp858"}
QR_FUNCTIONS = {65: "model", 67: "module size", 69: "error correction", 80: "store", 81: "print"}
QR_LEVELS = {48: "L", 49: "M", 50: "Q", 51: "H"}


class UnknownCommand(Exception):
    pass


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    underline: bool = False
    double: bool = False


@dataclass(frozen=True)
class QRSymbol:
    """A QR code as GS ( k asked the printer to print it: the printer's firmware draws the modules."""
    payload: str
    module_dots: int
    error_correction: str  # L, M, Q or H

    def draw(self) -> Image.Image:
        """The symbol as the printer draws it: `module_dots` dots a module, in the chosen correction level,
        with the white paper around it as quiet zone."""
        import qrcode

        levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
                  "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
        code = qrcode.QRCode(error_correction=levels[self.error_correction], box_size=self.module_dots, border=4)
        code.add_data(self.payload.encode("utf-8"))
        return code.make_image().get_image().convert("L")

    @property
    def width_dots(self) -> int:
        """Dots across the symbol itself, quiet zone excluded: what must fit on the paper."""
        return self.draw().width - 8 * self.module_dots


@dataclass
class Decoded:
    lines: list[Line] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    qr_symbols: list[QRSymbol] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    cuts: int = 0
    code_pages: list[int] = field(default_factory=list)
    resets: int = 0
    status_queries: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def line_with(self, words: str) -> Line:
        return next(line for line in self.lines if words in line.text)


class _Reader:
    def __init__(self, data: bytes, require_code_page: bool):
        self.data, self.i, self.out = data, 0, Decoded()
        self.page: int | None = None if require_code_page else 0
        self.text = bytearray()
        self.style = {"bold": False, "underline": False, "double": False}
        self.line_style: dict | None = None  # the style of the line's first character
        self.qr_store: bytes | None = None
        self.qr_ready = {65: False, 67: False, 69: False}
        self.qr_module_dots = 3  # Epson's defaults until GS ( k 167 and 169 say otherwise
        self.qr_level = "L"

    def take(self, count: int) -> bytes:
        if self.i + count > len(self.data):
            raise UnknownCommand(f"command truncated at byte {self.i}: {self.data[self.i:self.i + 8]!r}")
        chunk = self.data[self.i:self.i + count]
        self.i += count
        return chunk

    def fail(self, what: str) -> UnknownCommand:
        return UnknownCommand(f"{what} at byte {self.i}")

    def run(self) -> Decoded:
        while self.i < len(self.data):
            byte = self.data[self.i]
            if byte == 0x0A:
                self.i += 1
                self.end_line()
            elif byte >= 0x20:
                if self.page is None:
                    raise self.fail("text before any code page was chosen with ESC t (the printer's default "
                                    "page is a guess)")
                if not self.text:
                    self.line_style = dict(self.style)
                self.text.append(byte)
                self.i += 1
            elif byte == 0x1B:
                self.esc()
            elif byte == 0x1D:
                self.gs()
            elif byte == 0x10:
                _, eot, n = self.take(3)
                if eot != 0x04 or n not in (1, 2, 3, 4):
                    raise self.fail(f"DLE {eot:#04x} {n}")
                self.out.status_queries.append(n)
            else:
                raise self.fail(f"control byte {byte:#04x}")
        if self.text:
            raise UnknownCommand(f"text left unprinted at the end (no line feed): {bytes(self.text)!r}")
        return self.out

    def end_line(self) -> None:
        if self.text and self.page is None:
            raise self.fail("text before any code page was chosen")
        style = self.line_style if self.text else self.style
        self.out.lines.append(Line(bytes(self.text).decode(CODE_PAGES[self.page]) if self.text else "", **style))
        self.text.clear()

    def esc(self) -> None:
        command = self.take(2)[1]
        if command == 0x40:  # ESC @ initialise: styles off, code page back to the printer's default
            if self.text:
                raise self.fail("ESC @ in the middle of a line")
            self.page, self.out.resets = None, self.out.resets + 1
            self.style = {"bold": False, "underline": False, "double": False}
        elif command == 0x74:  # ESC t n
            number = self.take(1)[0]
            if number not in CODE_PAGES:
                raise self.fail(f"ESC t {number}: not a code page this reader knows")
            self.page = number
            self.out.code_pages.append(number)
        elif command == 0x45:  # ESC E n: emphasis
            self.style["bold"] = bool(self.flag())
        elif command == 0x2D:  # ESC - n: underline (0, 1, 2 dots; or '0' '1' '2')
            self.style["underline"] = self.take(1)[0] in (1, 2, 0x31, 0x32)
        elif command == 0x61:  # ESC a n: justification
            if self.take(1)[0] not in (0, 1, 2, 0x30, 0x31, 0x32):
                raise self.fail("ESC a with a bad value")
        elif command == 0x64:  # ESC d n: print and feed n lines
            if self.text:
                self.end_line()
                count = self.take(1)[0] - 1
            else:
                count = self.take(1)[0]
            self.out.lines.extend(Line("") for _ in range(max(count, 0)))
        else:
            raise self.fail(f"ESC {command:#04x}")

    def flag(self) -> int:
        value = self.take(1)[0]
        if value not in (0, 1, 0x30, 0x31):
            raise self.fail("a 0/1 flag with another value")
        return value & 1

    def gs(self) -> None:
        command = self.take(2)[1]
        if command == 0x21:  # GS ! n: character size
            size = self.take(1)[0]
            if size not in (0x00, 0x11):
                raise self.fail(f"GS ! {size:#04x}: only normal and double size are used")
            self.style["double"] = size == 0x11
        elif command == 0x56:  # GS V m [n]: cut
            mode = self.take(1)[0]
            if mode in (65, 66):
                self.take(1)
            elif mode not in (0, 1, 48, 49):
                raise self.fail(f"GS V {mode}")
            if self.text:
                raise self.fail("cut in the middle of a line")
            self.out.cuts += 1
        elif command == 0x28:  # GS ( k: 2D codes
            if self.take(1)[0] != 0x6B:
                raise self.fail("GS ( other than GS ( k")
            low, high = self.take(2)
            body = self.take(low + 256 * high)
            self.qr(body)
        elif command == 0x76:  # GS v 0 m xL xH yL yH d...: raster bit image
            if self.take(1)[0] != 0x30:
                raise self.fail("GS v other than GS v 0")
            mode, xl, xh, yl, yh = self.take(5)
            if mode not in (0, 48):
                raise self.fail(f"GS v 0 with scale mode {mode}")
            width_bytes, height = xl + 256 * xh, yl + 256 * yh
            pixels = self.take(width_bytes * height)
            # Raster bits are 1 = black; Pillow's "1" mode is 1 = white.
            self.out.images.append(Image.frombytes("1", (width_bytes * 8, height), bytes(b ^ 0xFF for b in pixels)))
        else:
            raise self.fail(f"GS {command:#04x}")

    def qr(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:
            raise self.fail("GS ( k for a symbol other than QR")
        function = body[1]
        if function == 65:
            if body[2:] not in (b"1\x00", b"2\x00", b"3\x00"):
                raise self.fail("QR model must be 1, 2 or micro")
        elif function == 67:
            if len(body) != 3 or not 1 <= body[2] <= 16:
                raise self.fail("QR module size is 1 to 16 dots")
            self.qr_module_dots = body[2]
        elif function == 69:
            if len(body) != 3 or body[2] not in (48, 49, 50, 51):
                raise self.fail("QR error correction is L, M, Q or H")
            self.qr_level = QR_LEVELS[body[2]]
        elif function == 80:
            if body[2:3] != b"0" or len(body) < 4:
                raise self.fail("QR store needs m = '0' and data")
            self.qr_store = body[3:]
        elif function == 81:
            if self.qr_store is None:
                raise self.fail("QR printed with no data stored")
            self.out.qr_payloads.append(self.qr_store.decode("utf-8"))
            self.out.qr_symbols.append(QRSymbol(self.out.qr_payloads[-1], self.qr_module_dots, self.qr_level))
            self.qr_store = None
        else:
            raise self.fail(f"QR function {function}")


def decode(data: bytes, require_code_page: bool = True) -> Decoded:
    """What a printer would do with `data`; UnknownCommand on anything this reader does not know."""
    return _Reader(data, require_code_page).run()
