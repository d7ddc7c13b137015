"""Every GET page of the panel in French, English and Italian: no French month names on an English or
Italian page, and no English sentence of the catalogue of messages left untranslated on a French or Italian
page (a msgid whose translation differs from it, long enough not to be a word both languages share)."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from salon_setup import add_item, add_reward, add_rule, give_points, new_client, sell, set_program
from tests.panel.logins import csrf_of, log_in

pytestmark = pytest.mark.sqlite_only

TRANSLATIONS = Path(__file__).resolve().parents[2] / "pos_loyalty" / "translations"
PANEL = ("panel_auth", "checkout", "display", "manage", "devices")
NOT_PAGES = {"panel_auth.static", "checkout.receipt_png", "display.state", "checkout.search_clients",
             "display.pair"}  # an image, JSON, a fragment, a one-time pairing link (redirects)
FRENCH_MONTHS = ("janvier", "février", "avril", "juillet", "août", "septembre", "octobre", "novembre",
                 "décembre", "janv.", "févr.", "avr.", "juil.", "sept.", "oct.", "nov.", "déc.")


def own_months(language: str) -> set[str]:
    """The language's own month names: Italian writes "novembre" too, which is not a French word there."""
    from babel.dates import get_month_names

    return {name.lower() for width in ("wide", "abbreviated") for context in ("format", "stand-alone")
            for name in get_month_names(width, context, language).values()}
SHORTEST = 13  # "Total", "Points", "Client" read the same in several languages


def english_msgids(language: str) -> list[str]:
    """The catalogue's English sentences the language writes otherwise; a msgid with placeholders is
    checked by its longest literal piece."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po)
    found = set()
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple) else message.string
        if not string or string == msgid:
            continue
        piece = max(re.split(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}", msgid.replace("%%", "%")), key=len).strip(" :.,;()")
        if len(piece) >= SHORTEST and piece not in string:
            found.add(piece)
    return sorted(found)


def words_of(page: str) -> str:
    """What a reader meets: the text, and the attributes read aloud or shown (titles, labels, placeholders)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    shown = re.findall(r'(?:title|aria-label|placeholder|alt|data-confirm)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(text + " " + " ".join(shown)))


@pytest.fixture
def salon(app, client, api):
    """A salon with something on every page: a catalogue, a rule of each kind, a reward, a client with
    points and a paid sale, a cashier and a manager."""
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
        add_staff("Isabelle", "manager", "9876")
    set_program(api, points_per_unit="1.5")
    add_item(api, "CUT", "Coupe femme", "30.00", category="cut")
    add_item(api, "SHAMP", "Shampooing", "15.00", kind="product", category="retail")
    rule = add_rule(api, kind="service", service_code="CUT", points=50)
    add_rule(api, kind="multiplier", factor="2", weekdays=[2])
    reward = add_reward(api, "Brushing offert", 100)
    person = new_client(api, "Léa", "Martin", phone="0612345678")
    give_points(api, person["id"], 300)
    sale = sell(api, person["id"], ("CUT", 1, "30.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": "card"})
    log_in(client, "Isabelle", "9876")
    with app.app_context():
        from pos_loyalty.models import CatalogueItem, Staff

        from pos_loyalty.extensions import db

        item = db.session.query(CatalogueItem).filter_by(code="CUT").one().id
        staff = db.session.query(Staff).filter_by(name="Camille").one().id
        from pos_loyalty.models import BackgroundJob
        from pos_loyalty.runtime import runtime

        job = BackgroundJob(salon_id=1, kind="recalculate", status="done", parameters={"period": "12m"},
                            result={"sales": 1, "sales_changed": 1, "points_added": 45, "points_removed": 0,
                                    "clients": 1, "seconds": 0.2}, created_by="Isabelle", created_at=runtime().now())
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    return {"sale_id": sale["id"], "client_id": person["id"], "rule_id": rule["id"],
            "reward_id": reward["id"], "item_id": item, "staff_id": staff, "kind": "service", "job_id": job_id}


def panel_paths(app, ids: dict) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in PANEL or "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(ids[name]), path)
        paths.append(path)
    if "/manage/rules/new/service" in paths:
        paths += [f"/manage/rules/new/{kind}" for kind in ("category", "multiplier")]
    return sorted(set(paths))


def choose(client, language: str) -> None:
    page = client.get("/manage/").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_of(page), "lang": language})


@pytest.mark.parametrize("language", ["fr", "en", "it"])
def test_every_page_speaks_the_chosen_language(app, client, salon, language):
    choose(client, language)
    untranslated = english_msgids(language if language != "en" else "it")
    paths = panel_paths(app, salon)
    assert len(paths) >= 20, paths
    problems, english_seen = [], set()
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        words = words_of(response.get_data(as_text=True))
        if language != "fr":
            problems += [(path, month) for month in FRENCH_MONTHS if month not in own_months(language)
                         and re.search(rf"(?<!\w){re.escape(month)}", words)]
        found = [msgid for msgid in untranslated if msgid in words]
        if language == "en":
            english_seen.update(found)  # the scan itself works: English pages show many of these sentences
        else:
            problems += [(path, msgid) for msgid in found]
    assert not problems, problems
    if language == "en":
        assert len(english_seen) >= 50, sorted(english_seen)
