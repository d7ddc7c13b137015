"""The typed print instructions a layout produces and every output (text, ESC/POS, PNG) consumes.

They say what the paper shows, not how a device does it: text lines already wrapped to the paper, rules,
QR codes, feeds and the cut. Each output only places and draws them, so the three never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

Align = Literal["left", "center", "right"]
DEFAULT_COLUMNS = 48  # 80 mm paper; 58 mm paper is 32


@dataclass(frozen=True)
class Start:
    """The receipt begins; `columns` is the paper width in characters of the normal font."""
    columns: int


@dataclass(frozen=True)
class Text:
    """One printed line. `left` fits the paper (half the columns when `double`); a non-empty `right` is
    pushed to the right edge (amounts), which is why it is kept apart from `left` until an output places it."""
    left: str
    right: str = ""
    align: Align = "left"
    bold: bool = False
    underline: bool = False
    double: bool = False  # double width and height

    def placed(self, room: int) -> str:
        """The line as it sits in `room` characters, trailing spaces dropped."""
        if self.right:
            return self.left + " " * max(room - len(self.left) - len(self.right), 1) + self.right
        if self.align == "center":
            return (" " * max((room - len(self.left)) // 2, 0) + self.left).rstrip()
        if self.align == "right":
            return self.left.rjust(room)
        return self.left.rstrip()


@dataclass(frozen=True)
class Rule:
    """A line of `char` across the paper."""
    char: str = "-"


@dataclass(frozen=True)
class QRCode:
    data: str


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    pass


Instruction = Union[Start, Text, Rule, QRCode, Feed, Cut]


def columns_of(instructions: list[Instruction], default: int | None = None) -> int:
    """The paper width the instructions were laid out for (their Start), else `default`."""
    for item in instructions:
        if isinstance(item, Start):
            return item.columns
    return default or DEFAULT_COLUMNS
