"""The panel's language: chosen on the login page it survives the login and is remembered for the staff
member; chosen while signed in it is remembered too; at the next login their language wins over the
salon's, unless they pick another on the login page just before. `?lang=` lasts like the buttons."""
from __future__ import annotations

import pytest

from tests.panel.logins import csrf_of, log_in

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def staff(app):
    with app.app_context():
        from pos_loyalty.services.staff import add_staff

        add_staff("Camille", "cashier", "1234")
        add_staff("Isabelle", "manager", "9876")


def press(client, language: str, page: str = "/login"):
    """A language button of the page's header (FR / EN / IT), as the browser posts it."""
    form = client.get(page).get_data(as_text=True)
    assert f'name="lang" value="{language}"' in form
    return client.post("/language", data={"csrf_token": csrf_of(form), "lang": language},
                       headers={"Referer": "http://localhost" + page})


def lang_of(client, path: str = "/manage/") -> str:
    page = client.get(path).get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def remembered(app, name: str) -> str | None:
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Staff

        return db.session.query(Staff).filter_by(name=name).one().language


def log_out(client):
    page = client.get("/manage/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_of(page)})


def test_a_language_chosen_on_the_login_page_survives_login_and_is_remembered(app, client, staff):
    press(client, "it")
    assert lang_of(client, "/login") == "it"
    log_in(client, "Isabelle", "9876")
    assert lang_of(client) == "it"
    assert "Clienti" in client.get("/manage/").get_data(as_text=True) or lang_of(client) == "it"
    assert remembered(app, "Isabelle") == "it"


def test_the_remembered_language_wins_over_the_salons_at_the_next_login(app, client, staff):
    log_in(client, "Isabelle", "9876")
    assert lang_of(client) == "fr"  # the salon's language (fr_FR) when nothing was chosen
    press(client, "en", "/manage/")
    assert lang_of(client) == "en"
    assert remembered(app, "Isabelle") == "en"
    log_out(client)
    fresh = app.test_client()  # another browser: nothing in its session
    log_in(fresh, "Isabelle", "9876")
    assert lang_of(fresh) == "en"
    log_in(app.test_client(), "Camille", "1234")
    assert remembered(app, "Camille") is None


def test_the_next_cashier_gets_their_own_language_not_the_previous_ones(app, client, staff):
    log_in(client, "Camille", "1234")
    press(client, "it", "/")
    log_out(client)
    press(client, "en")  # Isabelle picks English on the login page just before logging in
    log_in(client, "Isabelle", "9876")
    assert lang_of(client) == "en" and remembered(app, "Isabelle") == "en"
    log_out(client)
    log_in(client, "Camille", "1234")  # no button pressed: Camille's own Italian, not the English left over
    assert lang_of(client, "/") == "it"


def test_lang_in_the_url_lasts_and_is_remembered(app, client, staff):
    log_in(client, "Isabelle", "9876")
    assert lang_of(client, "/manage/?lang=it") == "it"
    assert lang_of(client, "/manage/program") == "it"
    assert remembered(app, "Isabelle") == "it"
    assert lang_of(client, "/manage/?lang=xx") == "it"  # an unknown language changes nothing


def test_dates_and_money_follow_the_panels_language_receipts_the_salons(app, client, staff):
    from datetime import date
    from decimal import Decimal

    from pos_loyalty.panel.context import day, money, ratio

    log_in(client, "Isabelle", "9876")
    seen = {}
    for language in ("fr", "en", "it"):
        client.get(f"/manage/?lang={language}")
        with app.test_request_context(f"/manage/?lang={language}"):
            seen[language] = (day(date(2026, 12, 2)), money(Decimal("30")), ratio("1.5"))
    assert seen["fr"] == ("2 déc. 2026", "30,00\u00a0€", "1,5")
    assert seen["en"] == ("2 Dec 2026", "€30.00", "1.5")
    assert seen["it"] == ("2 dic 2026", "30,00\u00a0€", "1,5")
