"""ESC/POS real-time status (DLE EOT n), as Epson documents it: the printer answers one byte at once, even
while busy, whose bits 1 and 4 are always 1 and bits 0 and 7 always 0 (that is how a status byte is told
from noise)."""
from __future__ import annotations

DLE_EOT = b"\x10\x04"
PRINTER = DLE_EOT + b"\x01"  # n=1 printer status: bit 3 offline
OFFLINE_CAUSE = DLE_EOT + b"\x02"  # n=2: bit 2 cover open, bit 3 paper fed by button, bit 5 stopped at paper end, bit 6 error
PAPER = DLE_EOT + b"\x04"  # n=4 roll paper sensor: bits 2-3 near end, bits 5-6 paper end
FIXED_MASK, FIXED_BITS = 0x93, 0x12


def is_status(byte: int) -> bool:
    return byte & FIXED_MASK == FIXED_BITS


def paper_out(paper: int) -> bool:
    # Some printers set only one of the two paper-end bits: either means no paper.
    return bool(paper & 0x60)


def paper_low(paper: int) -> bool:
    return bool(paper & 0x0C)


def offline_problem(cause: int) -> str | None:
    """Why an offline printer cannot print, in words for the cashier, or None."""
    if cause & 0x04:
        return "its cover is open"
    if cause & 0x20:
        return "it is out of paper"
    if cause & 0x40:
        return "it reports an error (paper jam, cutter blocked or overheating): switch it off and on again"
    return None
