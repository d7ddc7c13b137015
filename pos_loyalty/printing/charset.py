"""What a thermal printer can print: the receipt text is reduced to the characters of code page PC858
(Latin-1 letters and the € sign) before it is laid out, so that the text output, the paper and the PNG
preview show exactly the same characters and the same line widths."""
from __future__ import annotations

import unicodedata

PRINTER_CODEC = "cp858"
NO_BREAK = "\u00a0\u202f\u2007"  # babel writes "75,00\u00a0€" and "1\u202f234"
SPACES = NO_BREAK + "\u2009\u2002\u2003\t"
# One character in, one character out where possible, so wrapping done before this stays right.
SUBSTITUTES = {"’": "'", "‘": "'", "‚": ",", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
               "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": "...", "•": "*", "·": ".",
               "œ": "oe", "Œ": "OE", "€": "€", "\u200b": "", "\u00ad": "", "\ufeff": ""}


def printable(text: str, keep_nbsp: bool = False) -> str:
    """`text` with only characters the receipt printer has; no control character can get through.
    With `keep_nbsp`, non-breaking spaces stay (as U+00A0) for the line wrapping to honour."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in NO_BREAK and keep_nbsp:
            out.append("\u00a0")
        elif char in SPACES:
            out.append(" ")
        elif char in SUBSTITUTES:
            out.append(SUBSTITUTES[char])
        elif unicodedata.category(char).startswith("C"):
            continue  # control and format characters would be printer commands: never pass them on
        elif _has(char):
            out.append(char)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if _has(c) and not unicodedata.combining(c))
            out.append(base or "?")
    return "".join(out)


def _has(char: str) -> bool:
    try:
        char.encode(PRINTER_CODEC)
    except UnicodeEncodeError:
        return False
    return True
