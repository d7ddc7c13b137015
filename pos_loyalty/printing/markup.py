"""The receipt markup: what a layout template writes, one printed line per line (see receipts/README.md).

    @center @bold Salon Étoile          modifiers, any order: @left @center @right @bold @underline
    @double @columns À payer | 147,80 €                        @double @truncate, then the text
    @rule =        @qr https://...        @feed 2        @cut

parse() turns it into print instructions already wrapped to the paper, so no output has to wrap.
Values a template inserts with {{ }} arrive "quoted" (quote()): whatever a client's name contains, it can
neither start a directive, split a column nor break the line.
"""
from __future__ import annotations

import textwrap
from dataclasses import replace

from pos_loyalty.printing.charset import printable
from pos_loyalty.printing.instructions import Cut, Feed, Instruction, QRCode, Rule, Start, Text

MODIFIERS = {"@left", "@center", "@right", "@bold", "@underline", "@double", "@truncate"}
MAX_FEED = 10
# Private-use characters stand for "@" and "|" inside inserted values until the line is parsed.
QUOTED = {"@": "\ue000", "|": "\ue001"}
UNQUOTE = str.maketrans({quoted: plain for plain, quoted in QUOTED.items()})


class LayoutError(Exception):
    """A mistake in a receipt layout; the message says which line and what is wrong."""


def quote(value: object) -> str:
    """A template value as inert text: on one line, with no markup meaning."""
    text = "" if value is None else str(value)
    text = " ".join(text.splitlines())  # every line boundary str.splitlines knows, not only \n
    return text.replace("@", QUOTED["@"]).replace("|", QUOTED["|"])


def parse(source: str, columns: int) -> list[Instruction]:
    """Instructions for the markup `source` on paper `columns` characters wide. Blank lines are dropped
    (template tags leave many); `@feed 1` makes a blank line."""
    instructions: list[Instruction] = [Start(columns)]
    for number, line in enumerate(source.splitlines(), 1):
        if line.strip():
            try:
                instructions.extend(_line(line.rstrip(), columns))
            except LayoutError as error:
                raise LayoutError(f"line {number}: {error}") from None
    return instructions


def _line(line: str, columns: int) -> list[Instruction]:
    style = Text("")
    truncate = False
    rest = line
    while rest.startswith("@"):
        word, _, after = rest.partition(" ")
        if word in MODIFIERS:
            if word == "@truncate":
                truncate = True
            elif word == "@bold":
                style = replace(style, bold=True)
            elif word == "@underline":
                style = replace(style, underline=True)
            elif word == "@double":
                style = replace(style, double=True)
            else:
                style = replace(style, align=word[1:])
            rest = after
            continue
        if word == "@columns":
            left, bar, right = after.rpartition("|")
            if not bar:
                raise LayoutError("@columns needs LEFT | RIGHT")
            return columns_lines(style, _text(left.rstrip()), _text(right.strip()), _room(style, columns), truncate)
        if word == "@rule":
            char = _text(after.strip())[:1] or "-"
            return [Rule(char)]
        if word == "@qr":
            data = after.strip().translate(UNQUOTE)  # the link itself, not its printable approximation
            return [QRCode(data)] if data else []
        if word == "@feed":
            if not after.strip().isdigit():
                raise LayoutError("@feed takes a number of lines, e.g. @feed 2")
            return [Feed(min(int(after), MAX_FEED))]
        if word == "@cut":
            return [Cut()]
        raise LayoutError(f"unknown directive {word} (known: {', '.join(sorted(MODIFIERS))}, "
                          "@columns, @rule, @qr, @feed, @cut)")
    text = _text(rest)
    room = _room(style, columns)
    return [replace(style, left=part) for part in _fit(text, room, truncate)]


def columns_lines(style: Text, left: str, right: str, room: int, truncate: bool = False) -> list[Text]:
    """LEFT then RIGHT against the right edge, on the last line when LEFT wraps; when RIGHT is so long that
    LEFT would have no room, RIGHT goes alone on the next line."""
    style = replace(style, align="left")
    right = right.replace("\u00a0", " ")
    if not right:
        return [replace(style, left=part) for part in _fit(left, room, truncate)]
    if len(right) > room - 8:
        return ([replace(style, left=part) for part in _fit(left, room, truncate) if part]
                + [replace(style, left=right[:room], align="right")])
    parts = _fit(left, room - len(right) - 1, truncate)
    return [replace(style, left=part) for part in parts[:-1]] + [replace(style, left=parts[-1], right=right)]


def _fit(text: str, room: int, truncate: bool) -> list[str]:
    """`text` in lines of at most `room` characters, keeping its indentation; cut with a "." if `truncate`."""
    if len(text) <= room:
        return [text.replace("\u00a0", " ")]
    if truncate:
        return [text[:room - 1].rstrip().replace("\u00a0", " ") + "."]
    indent = " " * min(len(text) - len(text.lstrip(" ")), room // 2)
    # Babel's non-breaking spaces are still in `text`: "75,00 €" never splits; a code keeps its hyphens.
    wrapped = textwrap.wrap(text.strip(" "), room, initial_indent=indent, subsequent_indent=indent,
                            break_on_hyphens=False)
    return [part.replace("\u00a0", " ") for part in wrapped] or [""]


def _text(raw: str) -> str:
    """Markup text as printable characters; non-breaking spaces stay (U+00A0) until the line is wrapped."""
    return printable(raw.translate(UNQUOTE), keep_nbsp=True)


def _room(style: Text, columns: int) -> int:
    return columns // 2 if style.double else columns
