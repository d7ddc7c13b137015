"""A ledger entry keeps its msgid and values: the client page's history reads in the panel's language, the
API and the receipt in the salon's; an entry written before messages were kept shows its own text."""
import re

import pytest
from sqlalchemy import update

from salon_setup import add_item, new_client, sell
from tests.panel.logins import csrf_of

pytestmark = pytest.mark.sqlite_only


def history_words(client, client_id: int) -> list[str]:
    page = client.get(f"/manage/clients/{client_id}").get_data(as_text=True)
    return [re.sub(r"[ \t\n]+", " ", text).strip() for text in re.findall(r'<td class="what">(.*?)</td>', page, re.S)]


def speak(client, language: str) -> None:
    page = client.get("/manage/").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_of(page), "lang": language})


def test_the_same_entry_reads_in_the_panels_language_and_an_old_one_keeps_its_text(app, manager, api):
    add_item(api, "BRUSH", "Brushing", "30.00")
    paul = new_client(api, "Paul", "Martin")["id"]
    sell(api, paul, ("BRUSH", 1, "30.00"))
    assert api.ok("GET", f"/clients/{paul}/ledger")["items"][0]["description"] == "30,00\u00a0€ dépensés"

    assert history_words(manager, paul) == ["€30.00 spent"]
    speak(manager, "fr")
    assert history_words(manager, paul) == ["30,00\u00a0€ dépensés"]
    speak(manager, "it")
    assert history_words(manager, paul) == ["30,00\u00a0€ spesi"]

    with app.app_context():  # an entry written before the change: no msgid, only its text
        from pos_loyalty.extensions import db
        from pos_loyalty.models import LedgerEntry

        db.session.execute(update(LedgerEntry).values(message=None, message_values=None,
                                                      description="Ancien texte : 30,00 € dépensés"))
        db.session.commit()
    speak(manager, "en")
    assert history_words(manager, paul) == ["Ancien texte : 30,00 € dépensés"]
    assert api.ok("GET", f"/clients/{paul}/ledger")["items"][0]["description"] == "Ancien texte : 30,00 € dépensés"


def test_the_entry_keeps_its_msgid_and_json_ready_values(app, manager, api):
    add_item(api, "BRUSH", "Brushing", "30.00")
    paul = new_client(api, "Paul", "Martin")["id"]
    sell(api, paul, ("BRUSH", 1, "30.00"))
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import LedgerEntry

        entry = db.session.scalars(db.select(LedgerEntry)).one()
        assert (entry.message, entry.message_values) == (
            "%(amount)s spent", {"amount": {"money": "30.00", "currency": "EUR"}})
        assert entry.description == "30,00\u00a0€ dépensés"  # the salon's language, for receipts and CSV
