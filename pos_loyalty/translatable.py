"""`N_` marks a sentence for the translators' catalogue where it is written (a schema's error message, a
menu label) and leaves it as it is: it is translated where it is shown (panel/validation_words.py, the
templates). `pybabel extract -k N_` finds it; see README, "Translations"."""


def N_(text: str) -> str:  # noqa: N802 - gettext's own convention for "no-op, extract me"
    return text
