"""A small ESC/POS reader for tests, independent of python-escpos: it knows the commands a receipt may use
and raises on anything else, so a stray or malformed command fails the test instead of printing garbage."""
from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}


class UnknownCommand(Exception):
    pass


@dataclass
class Decoded:
    lines: list[str] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    cuts: int = 0
    code_pages: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def decode(data: bytes) -> Decoded:
    out, i, page, current = Decoded(), 0, None, bytearray()

    def need(count: int) -> bytes:
        if i + count > len(data):
            raise UnknownCommand(f"truncated command at byte {i}")
        return data[i:i + count]

    def flush_text() -> None:
        if current:
            if page is None:
                raise UnknownCommand("text printed before any code page was chosen (ESC t)")
            out.lines.append(bytes(current).decode(CODE_PAGES[page]))
            current.clear()

    while i < len(data):
        byte = data[i]
        if byte == 0x0A:  # LF
            if current or page is not None:
                flush_text() if current else out.lines.append("")
            i += 1
        elif byte >= 0x20:
            current.append(byte)
            i += 1
        elif byte == 0x1B:  # ESC
            command = need(2)[1]
            if command == 0x40:  # ESC @ initialise: back to the printer's default page
                page, i = None, i + 2
            elif command == 0x74:  # ESC t n
                number = need(3)[2]
                if number not in CODE_PAGES:
                    raise UnknownCommand(f"code page {number} is not one a cheap printer is sure to have")
                page, i = number, i + 3
                out.code_pages.append(number)
            elif command in (0x61, 0x45, 0x2D, 0x4D, 0x7B, 0x21):  # ESC a, E, -, M, {, ! n
                need(3)
                i += 3
            elif command == 0x64:  # ESC d n: feed n lines
                out.lines.extend([""] * need(3)[2])
                i += 3
            else:
                raise UnknownCommand(f"ESC {command:#04x} at byte {i}")
        elif byte == 0x1D:  # GS
            command = need(2)[1]
            if command in (0x21, 0x62, 0x42):  # GS ! n (size), GS b n, GS B n
                need(3)
                i += 3
            elif command == 0x56:  # GS V m [n]: cut
                mode = need(3)[2]
                i += 4 if mode in (65, 66) else 3
                out.cuts += 1
            elif command == 0x28 and need(3)[2] == 0x6B:  # GS ( k: 2D codes
                header = need(8)
                length = header[3] + 256 * header[4]
                body = need(5 + length)[5:]
                if body[0] != 0x31:
                    raise UnknownCommand("GS ( k for a symbol other than QR")
                if body[1] == 0x50:  # store the QR data
                    out.qr_payloads.append(body[3:].decode("utf-8"))
                elif body[1] not in (0x41, 0x43, 0x45, 0x51):
                    raise UnknownCommand(f"GS ( k QR function {body[1]:#04x}")
                i += 5 + length
            elif command == 0x76 and need(3)[2] == 0x30:  # GS v 0: raster image
                header = need(8)
                width_bytes, height = header[4] + 256 * header[5], header[6] + 256 * header[7]
                pixels = need(8 + width_bytes * height)[8:]
                image = Image.frombytes("1", (width_bytes * 8, height), bytes(b ^ 0xFF for b in pixels))
                out.images.append(image)
                i += 8 + width_bytes * height
            else:
                raise UnknownCommand(f"GS {command:#04x} at byte {i}")
        elif byte == 0x10 and need(2)[1] == 0x04:  # DLE EOT n: real-time status query
            i += 3
        else:
            raise UnknownCommand(f"control byte {byte:#04x} at byte {i}")
    flush_text()
    return out
