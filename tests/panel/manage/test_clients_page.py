"""/manage/clients and /manage/clients/<id>: find a client, the loyalty box and the manager's actions, each
checked by its schema, refused by its field with nothing saved, and read back through the API."""
import re

import pytest

from salon_setup import add_item, add_reward, balance, give_points, new_client, sell, set_program
from tests.panel.logins import csrf_of, log_in

pytestmark = pytest.mark.sqlite_only


def act(client, client_id: int, action: str, **fields):
    """Post one of the client page's forms with the page's CSRF token, as the browser would."""
    page = client.get(f"/manage/clients/{client_id}").get_data(as_text=True)
    return client.post(f"/manage/clients/{client_id}/{action}", data={"csrf_token": csrf_of(page), **fields})


def page_of(client, client_id: int) -> str:
    return client.get(f"/manage/clients/{client_id}").get_data(as_text=True)


def field_error(page: str, field: str) -> str:
    """The message right under the field, which the field points to (aria-describedby); a switch's under
    its box."""
    marked = r'[^>]*aria-invalid="true"[^>]*aria-describedby="{field}-error"' if field != "bonuses_now" else ""
    found = re.search(rf'name="{field}"{marked.format(field=field)}.*?'
                      rf'<span class="field-error" id="{field}-error">([^<]+)', page, re.S)
    assert found, page
    return found.group(1)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def audit_actions(api, action: str) -> list[dict]:
    return [e for e in api.ok("GET", "/audit", as_="manager", query={"action": action})["items"]
            if e["action"] == action]


@pytest.fixture
def people(api):
    return {"paul": new_client(api, "Paul", "Martin", phone="06 12 34 56 78", email="paul@example.com"),
            "sophie": new_client(api, "Sophie", "Durand", phone="07 98 76 54 32"),
            "marie": new_client(api, "Marie", "Dupont", email="marie@example.com")}


# --- the list ----------------------------------------------------------------------------------------------
def test_search_finds_a_client_by_phone_and_by_referral_code(manager, api, people):
    by_phone = manager.get("/manage/clients?q=0798 76").get_data(as_text=True)
    assert "Sophie Durand" in by_phone and "Paul Martin" not in by_phone and "Marie Dupont" not in by_phone
    by_code = manager.get("/manage/clients?q=PAUL-MARTIN").get_data(as_text=True)
    assert "Paul Martin" in by_code and "Sophie Durand" not in by_code
    assert f'href="/manage/clients/{people["paul"]["id"]}"' in by_code
    nobody = manager.get("/manage/clients?q=zzz").get_data(as_text=True)
    assert "No client matches" in nobody


def test_the_list_shows_the_newest_clients_with_balance_and_last_visit_a_page_at_a_time(manager, api, people, clock,
                                                                                       monkeypatch):
    from pos_loyalty.panel.manage import clients as page_module

    add_item(api, "BRUSH", "Brushing", "30.00")
    give_points(api, people["sophie"]["id"], 15)  # valid 12 months: gone from the balance 400 days later
    sell(api, people["paul"]["id"], ("BRUSH", 1, "30.00"))  # a first visit, on 22 November 2026
    clock.advance(days=400)
    log_in(manager, "Isabelle", "9876")  # the panel's session ended meanwhile
    manager.post("/language", data={"csrf_token": csrf_of(manager.get("/manage/").get_data(as_text=True)),
                                    "lang": "en"})
    give_points(api, people["paul"]["id"], 40)
    sell(api, people["paul"]["id"], ("BRUSH", 1, "30.00"))  # the last visit, on 27 December 2027
    monkeypatch.setattr(page_module, "LIST_PAGE", 2)
    first = manager.get("/manage/clients").get_data(as_text=True)
    rows = re.findall(r'<tr>\s*<td class="name"><a href="/manage/clients/(\d+)">([^<]+)</a>', first)
    assert [name for _, name in rows] == ["Marie Dupont", "Sophie Durand"]  # the newest first
    assert 'data-balance="0"' in re.search(r'>Sophie Durand</a>.*?</tr>', first, re.S).group(0)
    older = re.search(r'href="(/manage/clients\?before=\d+)"', first).group(1)
    second = manager.get(older).get_data(as_text=True)
    row = re.search(r'<td class="name"><a[^>]*>Paul Martin</a>.*?</tr>', second, re.S).group(0)
    assert 'data-balance="70"' in row and "70 points" in row and "27 Dec 2027" in row  # the panel's language, the salon's conventions (en_FR)
    assert "Marie Dupont" not in second and "Older clients" not in second


def test_a_cashier_gets_the_403_page(client, staff, people):
    log_in(client, "Camille", "1234")
    paul = people["paul"]["id"]
    assert client.get("/manage/clients").status_code == 403
    assert client.get(f"/manage/clients/{paul}").status_code == 403
    page = client.get("/").get_data(as_text=True)
    for action, fields in [("adjustments", {"points": "20", "reason": "x"}), ("rewards", {"reward_id": "1"}),
                           ("referral", {"referred_by": "MARIE-DUPONT"}), ("referral-code", {"referral_code": "X"}),
                           ("profile", {"first_name": "P", "last_name": "M"})]:
        response = client.post(f"/manage/clients/{paul}/{action}", data={"csrf_token": csrf_of(page), **fields})
        assert response.status_code == 403, action


# --- points and rewards ------------------------------------------------------------------------------------
def test_points_added_and_removed_show_in_the_balance_and_the_history_with_the_reason(manager, api, people):
    paul = people["paul"]["id"]
    response = act(manager, paul, "adjustments", points="20", reason="Goodwill gesture")
    assert response.status_code == 302
    assert api.ok("GET", f"/clients/{paul}/loyalty")["balance"] == 20
    page = page_of(manager, paul)
    assert "20 points added (Goodwill gesture). Balance: 20 points." in text_of(page)
    assert re.search(r'data-testid="box-balance">20<', page)

    assert act(manager, paul, "adjustments", points="-20", reason="Typing error").status_code == 302
    assert api.ok("GET", f"/clients/{paul}/loyalty")["balance"] == 0
    history = re.search(r'data-testid="history".*?</table>', page_of(manager, paul), re.S).group(0)
    rows = [text_of(row).strip() for row in re.findall(r"<tr class=[^>]*>.*?</tr>", history, re.S)]
    assert re.fullmatch(r".* Typing error Adjustment · Isabelle −20", rows[0]), rows
    assert re.fullmatch(r".* Goodwill gesture Adjustment · Isabelle \+20", rows[1]), rows
    ledger = api.ok("GET", f"/clients/{paul}/ledger")["items"]
    assert [(e["points"], e["description"], e["staff"]) for e in ledger] == [
        (-20, "Typing error", "Isabelle"), (20, "Goodwill gesture", "Isabelle")]
    trail = audit_actions(api, "points.adjust")
    assert [(e["staff"], e["after"]["points"], e["after"]["reason"]) for e in trail] == [
        ("Isabelle", -20, "Typing error"), ("Isabelle", 20, "Goodwill gesture")]


@pytest.mark.parametrize("fields, field, message", [
    ({"points": "0", "reason": "Nothing"}, "points", "Not 0."),
    ({"points": "20", "reason": "   "}, "reason", "Required."),
    ({"points": "", "reason": "Gift"}, "points", "Required."),
    ({"points": "-50", "reason": "Too many"}, "points", "Only 30 points can be removed"),
])
def test_a_bad_adjustment_is_refused_by_its_field_and_nothing_is_saved(manager, api, people, fields, field,
                                                                        message):
    paul = people["paul"]["id"]
    give_points(api, paul, 30)
    add_reward(api, "Free brushing", 300)  # its form has a reason too, which stays empty
    before = api.ok("GET", f"/clients/{paul}/ledger")
    response = act(manager, paul, "adjustments", **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field).startswith(message)
    assert page.count(f'name="reason" type="text" value="{fields["reason"]}"') == 1  # kept where it was typed
    assert page.count('aria-invalid="true"') == 1
    assert api.ok("GET", f"/clients/{paul}/ledger") == before
    assert balance(api, paul) == 30


def test_the_history_is_read_a_page_at_a_time(manager, api, people, monkeypatch):
    from pos_loyalty.panel.manage import clients as page_module

    paul = people["paul"]["id"]
    for points in (10, 20, 30):
        give_points(api, paul, points, reason=f"Gift {points}")
    monkeypatch.setattr(page_module, "HISTORY_PAGE", 2)
    first = page_of(manager, paul)
    assert "Gift 30" in first and "Gift 20" in first and "Gift 10" not in first
    more = re.search(r'href="(/manage/clients/\d+\?cursor=[^"#]+)#history">More', first).group(1)
    second = manager.get(more).get_data(as_text=True)
    assert "Gift 10" in second and "Gift 30" not in second and ">More" not in second
    assert "Newest entries" in second
    assert "Gift 30" in manager.get(f"/manage/clients/{paul}?cursor=not-ours").get_data(as_text=True)


def test_a_granted_reward_appears_in_the_rewards_obtained(manager, api, people):
    paul = people["paul"]["id"]
    reward = add_reward(api, "Free brushing", 300)
    retired = add_reward(api, "Old reward", 50)
    api.ok("PATCH", f"/rewards/{retired['id']}", {"active": False}, as_="manager")
    page = page_of(manager, paul)
    options = re.search(r'<select name="reward_id".*?</select>', page, re.S).group(0)
    assert "Free brushing · 300 points" in options and "Old reward" not in options

    assert act(manager, paul, "rewards", reward_id=str(reward["id"]), reason="Birthday").status_code == 302
    obtained = api.ok("GET", f"/clients/{paul}/rewards")
    assert [(r["name"], r["status"], r["reason"], r["granted_by"]) for r in obtained] == [
        ("Free brushing", "available", "Birthday", "Isabelle")]
    box = re.search(r'data-testid="obtained">.*?</ul>', page_of(manager, paul), re.S).group(0)
    assert "Free brushing" in box and "offered: Birthday · Isabelle" in text_of(box)
    assert audit_actions(api, "grant.create")[0]["after"]["reason"] == "Birthday"

    response = act(manager, paul, "rewards", reward_id="", reason="Birthday")
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), "reward_id")
    assert len(api.ok("GET", f"/clients/{paul}/rewards")) == 1


# --- referrals ---------------------------------------------------------------------------------------------
@pytest.fixture
def bonuses(api):
    add_item(api, "BRUSH", "Brushing", "30.00")
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    return 30, 10


def test_a_referral_by_hand_with_the_bonuses_now_credits_both_at_once_and_never_again(manager, api, people,
                                                                                     bonuses):
    paul, sophie = people["paul"]["id"], people["sophie"]["id"]
    response = act(manager, sophie, "referral", referred_by="paul martin", bonuses_now=["false", "true"])
    assert response.status_code == 302
    assert (balance(api, paul), balance(api, sophie)) == bonuses
    assert api.ok("GET", f"/clients/{sophie}")["referred_by"] == "PAUL-MARTIN"
    assert [(e["kind"], e["description"]) for e in api.ok("GET", f"/clients/{paul}/ledger")["items"]] == [
        ("referral", "Bonus de parrainage: Sophie D.")]  # in the salon's language
    page = page_of(manager, sophie)
    assert "Bonuses given now: 30 points to Paul Martin, 10 points to Sophie Durand." in text_of(page)
    assert "The bonuses were given by hand." in text_of(page) and 'name="referred_by"' not in page
    trail = audit_actions(api, "client.referral")
    assert [(e["staff"], e["after"]) for e in trail] == [
        ("Isabelle", {"referred_by": "PAUL-MARTIN", "bonuses": "now", "referrer_bonus": 30, "welcome_bonus": 10})]

    sale = sell(api, sophie, ("BRUSH", 1, "30.00"))  # the first paid sale pays no bonus a second time
    assert sale["points_earned"] == 30
    assert (balance(api, paul), balance(api, sophie)) == (30, 40)


def test_a_referral_by_hand_without_the_bonuses_credits_them_at_the_first_paid_sale(manager, api, people, bonuses):
    paul, sophie = people["paul"]["id"], people["sophie"]["id"]
    response = act(manager, sophie, "referral", referred_by="PAUL-MARTIN", bonuses_now="false")
    assert response.status_code == 302
    assert (balance(api, paul), balance(api, sophie)) == (0, 0)
    assert "The bonuses come with the first paid sale." in text_of(page_of(manager, sophie))
    assert audit_actions(api, "client.referral")[0]["after"]["bonuses"] == "first_paid_sale"

    sale = sell(api, sophie, ("BRUSH", 1, "30.00"))
    assert sale["points_earned"] == 40  # 30 spent + the welcome bonus
    assert (balance(api, paul), balance(api, sophie)) == (30, 40)
    sell(api, sophie, ("BRUSH", 1, "30.00"))
    assert (balance(api, paul), balance(api, sophie)) == (30, 70)


def test_after_the_first_paid_sale_only_the_bonuses_now_are_possible(manager, api, people, bonuses):
    paul, sophie = people["paul"]["id"], people["sophie"]["id"]
    sell(api, sophie, ("BRUSH", 1, "30.00"))
    response = act(manager, sophie, "referral", referred_by="PAUL-MARTIN", bonuses_now="false")
    assert response.status_code == 422
    assert "first sale is paid already" in field_error(response.get_data(as_text=True), "bonuses_now")
    assert api.ok("GET", f"/clients/{sophie}")["referred_by"] is None
    assert act(manager, sophie, "referral", referred_by="PAUL-MARTIN", bonuses_now="true").status_code == 302
    assert (balance(api, paul), balance(api, sophie)) == (30, 40)


@pytest.mark.parametrize("who, code, message", [
    ("sophie", "NOBODY-HERE", "No client has this referral code."),
    ("sophie", "sophie durand", "A client cannot be their own referrer"),
    ("paul", "SOPHIE-DURAND", "A client cannot be their own referrer"),  # Sophie was referred by Paul: a loop
    ("sophie", "MARIE-DUPONT", "This client already has a referrer."),
    ("sophie", "PAUL-MARTIN", "This client already has a referrer."),  # the same referrer: no bonuses twice
    ("sophie", "", "Required."),
])
def test_a_referral_by_hand_is_refused_by_its_field_and_nothing_is_saved(manager, api, people, bonuses, who, code,
                                                                         message):
    paul, sophie = people["paul"]["id"], people["sophie"]["id"]
    if who == "paul" or code in ("MARIE-DUPONT", "PAUL-MARTIN"):
        api.ok("PATCH", f"/clients/{sophie}", {"referred_by": "PAUL-MARTIN"})
    before = {name: api.ok("GET", f"/clients/{people[name]['id']}") for name in people}
    response = act(manager, people[who]["id"], "referral", referred_by=code, bonuses_now="true")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "referred_by").startswith(message)
    assert {name: api.ok("GET", f"/clients/{people[name]['id']}") for name in people} == before
    assert (balance(api, paul), balance(api, sophie)) == (0, 0)
    assert audit_actions(api, "client.referral") == []


def test_the_referral_code_is_changed_as_codes_are_written_and_a_taken_one_is_refused(manager, api, people):
    paul = people["paul"]["id"]
    assert act(manager, paul, "referral-code", referral_code="  paul studio é ").status_code == 302
    assert api.ok("GET", f"/clients/{paul}")["referral_code"] == "PAUL-STUDIO-E"
    assert "Referral code: PAUL-MARTIN → PAUL-STUDIO-E." in text_of(page_of(manager, paul))
    assert api.ok("GET", "/clients", query={"q": "PAUL-STUDIO"})["items"][0]["id"] == paul  # found by it
    change = audit_actions(api, "client.referral_code")[0]
    assert (change["before"], change["after"]) == ({"referral_code": "PAUL-MARTIN"}, {"referral_code": "PAUL-STUDIO-E"})

    response = act(manager, paul, "referral-code", referral_code="marie dupont")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "referral_code") == "Another client has this referral code."
    assert 'name="referral_code" type="text" value="marie dupont"' in page
    assert api.ok("GET", f"/clients/{paul}")["referral_code"] == "PAUL-STUDIO-E"
    assert len(audit_actions(api, "client.referral_code")) == 1


# --- contact and consent -----------------------------------------------------------------------------------
def test_the_consent_flags_and_contact_details_are_saved_and_answered_by_the_api(manager, api, people):
    marie = people["marie"]["id"]
    assert api.ok("GET", f"/clients/{marie}")["email_opt_in"] is False
    response = act(manager, marie, "profile", first_name="Marie", last_name="Dupont-Roy", phone="06 00 00 00 01",
                   email="marie@example.com", birth_date="1990-04-12", subscriber=["false", "true"],
                   email_opt_in=["false", "true"])
    assert response.status_code == 302
    answer = api.ok("GET", f"/clients/{marie}")
    assert (answer["last_name"], answer["phone"], answer["birth_date"], answer["subscriber"], answer["email_opt_in"]) \
        == ("Dupont-Roy", "06 00 00 00 01", "1990-04-12", True, True)
    assert "E-mails accepted: no → yes" in text_of(page_of(manager, marie))
    change = audit_actions(api, "client.update")[0]
    assert change["staff"] == "Isabelle" and change["after"]["email_opt_in"] is True
    assert change["before"] == {"last_name": "Dupont", "phone": None, "birth_date": None, "subscriber": False,
                                "email_opt_in": False}

    # the API takes the flag too (PATCH), and answers it
    assert api.ok("PATCH", f"/clients/{marie}", {"email_opt_in": False})["email_opt_in"] is False
    assert api.ok("GET", f"/clients/{marie}")["subscriber"] is True  # a PATCH leaves the rest alone


@pytest.mark.parametrize("field, value", [("email", "marie@"), ("first_name", ""), ("phone", "call me")])
def test_bad_contact_details_are_refused_by_their_field_and_nothing_is_saved(manager, api, people, field, value):
    marie = people["marie"]["id"]
    before = api.ok("GET", f"/clients/{marie}")
    form = {"first_name": "Marie", "last_name": "Dupont", "phone": "", "email": "marie@example.com",
            "birth_date": "", "subscriber": "false", "email_opt_in": ["false", "true"], field: value}
    response = act(manager, marie, "profile", **form)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), field)
    assert api.ok("GET", f"/clients/{marie}") == before
