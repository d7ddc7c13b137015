"""The receipt as plain text (GET /sales/{id}/receipt?format=text, e-mail, logs): what the paper shows,
line for line, with the QR code given as its link."""
from __future__ import annotations

from pos_loyalty.printing.instructions import Cut, Feed, Instruction, QRCode, Rule, Start, Text, columns_of


def to_text(instructions: list[Instruction], width: int | None = None) -> str:
    """The receipt as UTF-8-ready text, one line per printed line. `width` only matters for instructions
    built without a Start. Double-size lines are placed as normal ones: plain text has one letter size."""
    columns = columns_of(instructions, width)
    lines: list[str] = []
    for item in instructions:
        if isinstance(item, Text):
            lines.append(item.placed(columns))
        elif isinstance(item, Rule):
            lines.append(item.char * columns)
        elif isinstance(item, QRCode):
            # The link is kept whole even when longer than the paper: cut in two, nobody could open it.
            lines.append(item.data.center(columns).rstrip() if len(item.data) <= columns else item.data)
        elif isinstance(item, Feed):
            lines.extend([""] * item.lines)
        elif not isinstance(item, (Start, Cut)):
            raise TypeError(f"not a print instruction: {item!r}")
    return "\n".join(lines) + "\n"
