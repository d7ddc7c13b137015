"""Forms posted with garbled fields (a tampered page, a broken script) get a clear 400 and change nothing."""
import re

import pytest

pytestmark = pytest.mark.sqlite_only


def logged_in(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    staff_id = re.search(r'name="staff_id" value="(\d+)"', page).group(1)
    assert client.post("/login", data={"csrf_token": token, "staff_id": staff_id, "pin": "1234"}).status_code == 302
    page = client.get("/").get_data(as_text=True)  # a new session, a new token
    return client, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("fields", [{"reward_id": "abc"}, {"reward_id": ""}, {}, {"reward_id": "1", "grant_id": "x"},
                                    {"reward_id": "9" * 40}])
def test_a_garbled_reward_form_is_refused_and_holds_nothing(app, api, salon, fields):
    client, token = logged_in(app)
    assert client.post("/panel/attach", data={"csrf_token": token, "client_id": salon["client"]["id"]}).status_code == 302
    assert client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"}).status_code == 302
    response = client.post("/panel/rewards", data={"csrf_token": token, **fields})
    assert response.status_code == 400
    assert api.ok("GET", f"/clients/{salon['client']['id']}/loyalty")["held"] == 0


def test_a_garbled_client_or_staff_id_is_a_bad_request(app, api, salon):
    client, token = logged_in(app)
    assert client.post("/panel/attach", data={"csrf_token": token, "client_id": "9" * 40}).status_code == 400
    assert client.post("/panel/attach", data={"csrf_token": token, "client_id": "abc"}).status_code == 400
    fresh = app.test_client()
    page = fresh.get("/login").get_data(as_text=True)
    login_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for staff_id in ("9" * 40, "abc"):
        answer = fresh.post("/login", data={"csrf_token": login_token, "staff_id": staff_id, "pin": "1234"})
        assert answer.status_code == 400
