"""The panel's catalogues cover every sentence of the sources: each msgid that `pybabel extract` finds (with
babel.cfg and N_) has a French and an Italian translation, not fuzzy, with the msgid's placeholders; and each
compiled .mo says what its .po says. A string added without its translation fails here, by name."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "pos_loyalty" / "translations"
LANGUAGES = ("fr", "it")
# %(name)s, %s, %d... and %% (a lone "%" followed by a letter would be a conversion too: "10 % de" is "% d").
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxX%]")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def source_messages() -> dict:
    """msgid (a tuple for a plural) → where it is written, as `pybabel extract -F babel.cfg -k N_` finds it."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(ROOT / "babel.cfg"))
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords, strip_comment_tags=True):
        msgid = message if isinstance(message, str) else tuple(message)
        if msgid and msgid != ("",):  # a msgid of a context (the receipt's words) is its own entry
            found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def messages():
    found = source_messages()
    assert len(found) > 100, "the extraction found almost nothing: babel.cfg or the extractors changed"
    return found


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_sources_is_translated(messages, language):
    po = catalogue(language)
    problems = []
    for (msgid, context), where in sorted(messages.items(), key=lambda item: item[1]):
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = po.get(key, context=context)
        if entry is None or entry.string in ("", None) or (isinstance(entry.string, tuple) and not all(entry.string)):
            problems.append(f"{where}: {msgid!r} has no {language} translation")
            continue
        if entry.fuzzy:
            problems.append(f"{where}: {msgid!r} is fuzzy in {language}: check it and remove the fuzzy flag")
        if isinstance(msgid, tuple):
            if not isinstance(entry.string, tuple):
                problems.append(f"{where}: {msgid!r} is a plural but its {language} entry is not")
                continue
            pairs = [(msgid[0] if index == 0 else msgid[1], text) for index, text in enumerate(entry.string)]
        else:
            pairs = [(msgid, entry.string)]
        for original, text in pairs:
            if placeholders(original) != placeholders(text):
                problems.append(f"{where}: {msgid!r} → {text!r} ({language}): placeholders "
                                f"{placeholders(original)} ≠ {placeholders(text)}")
    assert not problems, "\n".join(problems)


def written(message) -> bool:
    return any(message.string) if isinstance(message.string, (tuple, list)) else bool(message.string)


def same(value):
    """A plural's id and strings as a tuple (read_mo gives lists)."""
    return tuple(value) if isinstance(value, (tuple, list)) else value


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_po(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    po = catalogue(language)
    with open(folder / "messages.mo", "rb") as handle:
        mo = read_mo(handle)
    expected = {same(message.id): same(message.string) for message in po
                if message.id and not message.fuzzy and written(message)}
    compiled = {same(message.id): same(message.string) for message in mo if message.id and written(message)}
    missing = sorted(str(k) for k in expected.keys() - compiled.keys())
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    different = sorted(str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not (missing or extra or different), (
        f"{folder}/messages.mo is not messages.po compiled: run `pybabel compile -d pos_loyalty/translations` "
        f"(missing {missing[:5]}, extra {extra[:5]}, different {different[:5]})")
