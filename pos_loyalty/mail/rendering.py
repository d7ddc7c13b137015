"""A mail's subject, text and HTML parts from the editable templates of mails/ (see mails/README.md).

For a mail KIND in a language LANG: `LANG/KIND.txt.j2` (its first line is `Subject: ...`, then a blank line,
then the text part) and `LANG/KIND.html.j2` (the HTML part, usually extending `layout.html.j2`). A salon's
own folder (MAIL_TEMPLATES) is looked in first, then the bundled mails/. A language without the mail
falls back to French, the programme's first language.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_currency
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

MAILS = Path(__file__).resolve().parents[2] / "mails"  # the bundled templates
LANGUAGES = ("fr", "en", "it")
FALLBACK = "fr"


class MailTemplateError(ValueError):
    """A template is missing or broken: the mail is not written, the event it tells of still happens."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    language: str


def language_of(locale: str | None) -> str:
    """fr_FR -> fr; a language without mails -> French."""
    language = (locale or FALLBACK).replace("-", "_").split("_")[0].lower()
    return language if language in LANGUAGES else FALLBACK


def render_mail(kind: str, locale: str, values: dict, folder: str | None = None) -> RenderedMail:
    """The mail `kind` in the language of `locale`, filled with `values`."""
    language = language_of(locale)
    helpers = _helpers(locale or "fr_FR")
    text_env, html_env = _environments(folder)
    for candidate in dict.fromkeys((language, FALLBACK)):
        try:
            text_template = text_env.get_template(f"{candidate}/{kind}.txt.j2")
            html_template = html_env.get_template(f"{candidate}/{kind}.html.j2")
        except TemplateNotFound:
            continue
        try:
            text = text_template.render(**values, **helpers)
            html = html_template.render(**values, **helpers)
        except Exception as failure:  # a salon's edit gone wrong: say which file
            raise MailTemplateError(f"{candidate}/{kind}: {failure}") from failure
        subject, text = _split_subject(text, f"{candidate}/{kind}.txt.j2")
        return RenderedMail(subject=subject, text=text, html=html, language=candidate)
    raise MailTemplateError(f"No template for the mail {kind!r} (looked for {language}/{kind}.txt.j2).")


def _split_subject(text: str, name: str) -> tuple[str, str]:
    first, _, rest = text.lstrip("\n").partition("\n")
    if not first.lower().startswith("subject:"):
        raise MailTemplateError(f"{name}: the first line must be 'Subject: ...'.")
    subject = " ".join(first[len("subject:"):].split())  # one line: a header never carries a line break
    if not subject:
        raise MailTemplateError(f"{name}: the subject is empty.")
    return subject[:250], rest.strip("\n") + "\n"


def _helpers(locale: str) -> dict:
    babel_locale = locale.replace("-", "_")

    def day(value: date) -> str:
        return format_date(value, format="long", locale=babel_locale)

    def money(amount, currency: str = "EUR") -> str:
        return format_currency(Decimal(str(amount)), currency, locale=babel_locale)

    return {"day": day, "money": money}


@lru_cache(maxsize=8)
def _environments(folder: str | None) -> tuple[SandboxedEnvironment, SandboxedEnvironment]:
    loaders = ([FileSystemLoader(folder)] if folder else []) + [FileSystemLoader(str(MAILS))]
    common = {"loader": ChoiceLoader(loaders), "undefined": StrictUndefined, "trim_blocks": True,
              "lstrip_blocks": True, "auto_reload": True, "keep_trailing_newline": True}
    return SandboxedEnvironment(autoescape=False, **common), SandboxedEnvironment(autoescape=True, **common)
