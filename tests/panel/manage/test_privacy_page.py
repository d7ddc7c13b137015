"""The "Personal data" box of /manage/clients/<id> (panel/manage/privacy_pages.py): the data as a JSON download,
and the erasure confirmed by typing the client's name; then no page (the till's search, the client's page,
the referrer's page and history, the clients list, the audit trail) shows the person."""
import html
import json
import re

import pytest

from salon_setup import add_item, new_client, sell, set_program
from tests.panel.logins import csrf_of, log_in

PERSON = {"first_name": "Zéphyrine", "last_name": "Quistrebert", "phone": "+33 6 12 34 56 78",
          "email": "zephyrine.q@example.org", "birth_date": "1987-03-14"}
TRACES = ("Zéphyrine", "Zephyrine", "Quistrebert", "ZEPHYRINE-QUISTREBERT", "12 34 56 78", "zephyrine.q@example.org",
          "zq.old@example.org", "1987-03-14", "14 Mar 1987")


def traces_in(page: str) -> list[str]:
    folded = page.casefold()
    return [trace for trace in TRACES if trace.casefold() in folded]


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def people(api):
    add_item(api, "CUT", "Coupe", "40.00")
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    paul = new_client(api, "Paul", "Martin")["id"]
    person = api.ok("POST", "/clients", {**PERSON, "email": "zq.old@example.org", "referred_by": "PAUL-MARTIN"})["id"]
    api.ok("PATCH", f"/clients/{person}", {"email": PERSON["email"]}, as_="manager")  # in the audit trail
    leon = new_client(api, "Léon", "Bastide", referred_by="ZEPHYRINE-QUISTREBERT")["id"]
    sale = sell(api, person, ("CUT", 1, "40.00"))["sale"]["id"]
    sell(api, leon, ("CUT", 1, "40.00"))
    return {"paul": paul, "person": person, "leon": leon, "sale": sale}


def erase(manager, client_id: int, typed: str):
    page = manager.get(f"/manage/clients/{client_id}").get_data(as_text=True)
    return manager.post(f"/manage/clients/{client_id}/erase", data={"csrf_token": csrf_of(page), "confirm_name": typed})


def test_the_download_holds_the_whole_profile_and_is_audited(manager, api, people):
    response = manager.get(f"/manage/clients/{people['person']}/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="client-{people["person"]}-data.json"'
    document = json.loads(response.get_data(as_text=True))
    assert document["format_version"] == 1
    assert {k: document["client"][k] for k in PERSON} == PERSON
    assert document["client"]["referred_by"] == "PAUL-MARTIN"
    assert document["referrals_made"] == [people["leon"]]
    assert "Zéphyrine" in response.get_data(as_text=True)  # written as it is, not as \u00e9 escapes
    exported = api.ok("GET", "/audit", as_="manager", query={"action": "client.export"})["items"]
    assert [(e["staff"], e["object"], e["channel"]) for e in exported] == [("Isabelle", f"client {people['person']}",
                                                                          "panel")]
    page = manager.get(f"/manage/clients/{people['person']}").get_data(as_text=True)
    assert f'href="/manage/clients/{people["person"]}/export"' in page


def test_a_wrong_or_missing_name_erases_nothing(manager, api, people):
    for typed in ("Zéphyrine Quistreber", "", "Paul Martin"):
        response = erase(manager, people["person"], typed)
        assert response.status_code == 422, typed
        page = response.get_data(as_text=True)
        assert 'id="confirm_name-error"' in page and "<details class=\"confirm\" open>" in page
        assert api.ok("GET", f"/clients/{people['person']}")["last_name"] == "Quistrebert"
    assert api.ok("GET", "/audit", as_="manager", query={"action": "client.erase"})["items"] == []


def test_a_cashier_cannot_erase(client, staff, api, people):
    log_in(client, "Camille", "1234")
    page = client.get("/").get_data(as_text=True)
    response = client.post(f"/manage/clients/{people['person']}/erase",
                           data={"csrf_token": csrf_of(page), "confirm_name": "Zéphyrine Quistrebert"})
    assert response.status_code == 403
    assert client.get(f"/manage/clients/{people['person']}/export").status_code == 403
    assert api.ok("GET", f"/clients/{people['person']}")["first_name"] == "Zéphyrine"


def test_an_open_sale_is_said_by_the_field_and_nothing_is_erased(manager, api, people):
    api.ok("POST", "/sales", {"client_id": people["person"], "lines": [{"code": "CUT", "quantity": 1}]})
    response = erase(manager, people["person"], "zephyrine  QUISTREBERT")
    assert response.status_code == 422
    assert "This client has an open sale: pay or cancel it first." in text_of(response.get_data(as_text=True))
    assert api.ok("GET", f"/clients/{people['person']}")["first_name"] == "Zéphyrine"


def test_after_erasure_no_page_shows_the_person(manager, api, people):
    before = {page: manager.get(page).get_data(as_text=True) for page in
              (f"/manage/clients/{people['paul']}", f"/manage/clients/{people['leon']}", "/manage/clients",
               "/manage/clients?q=Quistrebert", "/manage/audit", "/manage/loyalty", "/manage/loyalty/clients.csv",
               f"/panel/sales/{people['sale']}/done")}  # her old sale: its receipt again
    before["/manage/history"] = manager.get("/manage/history").get_data(as_text=True)  # names no one anyway
    assert all(traces_in(page) for path, page in before.items() if path != "/manage/history")  # can fail

    response = erase(manager, people["person"], "zephyrine  QUISTREBERT")  # accents, case, spaces aside
    assert response.status_code == 302
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Erased client #{people['person']}" in page
    assert "The client's personal data was erased." in text_of(page)
    assert "Personal data erased on 22 Nov 2026 by Isabelle." in text_of(page)
    assert not traces_in(page)

    def read(path):  # each answer read at once, a streamed one (the CSV) to its end, as a browser does
        response = manager.get(path)
        return response.status_code, response.get_data(as_text=True)

    pages = {path: read(path) for path in before}
    searches = {"/manage/clients?q=Quistrebert": "Quistrebert", "/manage/clients?q=Zéphyrine": "Zéphyrine",
                "/panel/clients?q=Quistrebert": "Quistrebert",
                "/panel/clients?q=ZEPHYRINE-QUISTREBERT": "ZEPHYRINE-QUISTREBERT"}
    pages.update({path: read(path) for path in searches})
    pages["referrer's box"] = read(f"/panel/clients/{people['paul']}")
    for path, (status, page) in pages.items():
        assert status == 200, path
        shown = page.replace(searches.get(path, "\0"), "")  # what was typed, said back
        assert not traces_in(shown), (path, traces_in(shown))
    for path in searches:
        assert f'href="/manage/clients/{people["person"]}"' not in pages[path][1]
        assert f'value="{people["person"]}"' not in pages[path][1]  # the till's attach button
    listed = text_of(pages["/manage/clients"][1])
    assert f"Erased client #{people['person']}" in listed
    assert "Referral bonus: Erased client" in text_of(pages[f"/manage/clients/{people['paul']}"][1])
    assert "Referred by a client since erased." in text_of(pages[f"/manage/clients/{people['leon']}"][1])
    assert manager.get(f"/panel/clients/{people['person']}").status_code == 404  # the till's box
    assert manager.get(f"/manage/clients/{people['person']}/export").status_code == 404
    again = erase(manager, people["person"], "zephyrine quistrebert")  # a second post: said, nothing more
    assert again.status_code == 302
    assert len(api.ok("GET", "/audit", as_="manager", query={"action": "client.erase"})["items"]) == 1


def test_the_pages_speak_french(manager, api, people):
    erase(manager, people["person"], "Zéphyrine Quistrebert")
    french = manager.get(f"/manage/clients/{people['paul']}?lang=fr").get_data(as_text=True)
    assert "Bonus de parrainage: Client effacé" in text_of(french)
    erased = manager.get(f"/manage/clients/{people['person']}?lang=fr").get_data(as_text=True)
    assert f"Client effacé n° {people['person']}" in text_of(erased)
