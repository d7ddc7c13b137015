"""A ledger entry's words in the panel's language (the `entry_text` filter of the history tables).

The entry keeps its msgid and values (pos_loyalty.core.messages): the panel writes them in the language the
reader chose, money in the salon's currency written that language's way ("€30.00 spent" in English,
"30,00 € dépensés" in French), with the salon's own conventions when the panel speaks the salon's language.
An entry written before messages were kept shows its own text."""
from __future__ import annotations

from pos_loyalty.core.messages import entry_text as text_of


def entry_text(entry) -> str:
    from pos_loyalty.panel.context import date_locale, number_locale, panel_language

    return text_of(entry, panel_language(), number_locale(), date_locale())
