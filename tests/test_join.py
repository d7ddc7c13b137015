"""Self-registration, /join?ref=CODE (and /r/CODE, the link a receipt prints), on SQLite and PostgreSQL: the
form is the API's client schema plus the consents; the referrer recorded and both bonuses paid at the first
paid sale; an already known phone or e-mail answered with the same neutral words whoever it belongs to,
nothing made; consent refused, nothing made; an unknown code; CSRF; a limit per client address."""
import re

import pytest

from panel.logins import csrf_of
from salon_setup import add_item, balance, new_client, sell, set_program

NEUTRAL = "These details are already registered: ask at the salon for your card."


@pytest.fixture
def marie(app, api):
    add_item(api, "BRUSH", "Brushing", "30.00")
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    return new_client(api, "Marie", "Dupont", phone="06 11 22 33 44", email="marie@example.org")


def form_of(client, path: str, **headers):
    page = client.get(path, headers={"Accept-Language": "en", **headers})
    assert page.status_code == 200, page.status_code
    return page, {"csrf_token": csrf_of(page.text)}


def post_join(client, path="/join", address="127.0.0.1", consent=True, **fields):
    _, form = form_of(client, path)
    form.update(fields)
    form["consent"] = ["false", "true"] if consent else "false"
    form.setdefault("email_opt_in", "false")
    return client.post(path, data=form, headers={"Accept-Language": "en"}, environ_base={"REMOTE_ADDR": address})


def found(api, q: str) -> list[dict]:
    return api.ok("GET", "/clients", query={"q": q})["items"]


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_the_receipt_s_referral_link_opens_the_sign_up_page_naming_the_referrer_briefly(api, client, marie):
    assert marie["referral_link"] == "https://salon.example/r/MARIE-DUPONT"
    redirected = client.get("/r/MARIE-DUPONT")
    assert redirected.status_code == 302 and redirected.headers["Location"] == "/join?ref=MARIE-DUPONT"
    page, _ = form_of(client, redirected.headers["Location"])
    text = text_of(page)
    assert "Invited by Marie D." in text and "Dupont" not in text and "06 11" not in text
    for name in ("first_name", "last_name", "phone", "email", "consent", "email_opt_in", "csrf_token"):
        assert f'name="{name}"' in page.text, name
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "private, no-store"


def test_joining_with_a_code_records_the_referrer_and_the_first_sale_pays_both_bonuses(app, api, client, marie):
    answer = post_join(client, "/join?ref=MARIE-DUPONT", first_name="Sophie", last_name="Martin",
                       phone="07 98 76 54 32", email="", email_opt_in=["false", "true"])
    assert answer.status_code == 303
    card = client.get(answer.headers["Location"], headers={"Accept-Language": "en"})
    assert card.status_code == 200 and "Hello Sophie" in text_of(card)
    (sophie,) = found(api, "sophie martin")
    assert sophie["referred_by"] == "MARIE-DUPONT" and sophie["email_opt_in"] is True and sophie["email"] is None
    assert sophie["card_url"].endswith(answer.headers["Location"])
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Client

        assert db.session.get(Client, sophie["id"]).created_in_salon_id == \
            db.session.get(Client, marie["id"]).created_in_salon_id
    assert (balance(api, marie["id"]), balance(api, sophie["id"])) == (0, 0)
    sell(api, sophie["id"], ("BRUSH", 1, "30.00"))
    assert (balance(api, marie["id"]), balance(api, sophie["id"])) == (30, 40)  # referrer 30; 30 spent + welcome 10


def test_consent_refused_makes_nothing(api, client, marie):
    refused = post_join(client, "/join?ref=MARIE-DUPONT", consent=False, first_name="Sophie", last_name="Martin",
                        phone="07 98 76 54 32")
    assert refused.status_code == 422
    assert 'data-testid="error-consent"' in refused.text and "Tick this box" in refused.text
    assert 'value="Sophie"' in refused.text  # what was typed stays
    assert found(api, "sophie") == []


def test_a_phone_or_an_e_mail_is_needed_and_the_schema_checks_the_fields(api, client, marie):
    neither = post_join(client, first_name="Sophie", last_name="Martin", phone="", email="")
    assert neither.status_code == 422 and "A phone number or an e-mail address: at least one." in text_of(neither)
    bad = post_join(client, first_name="", last_name="Martin", phone="not a phone", email="nope")
    assert bad.status_code == 422
    for name in ("first_name", "phone", "email"):
        assert f'data-testid="error-{name}"' in bad.text, name
    assert found(api, "martin") == []


@pytest.mark.parametrize("phone,email", [("0611223344", ""), ("+33 6 11 22 33 44", ""), ("", "MARIE@example.org"),
                                         ("07 00 00 00 00", "marie@example.org")])
def test_known_details_get_one_neutral_answer_and_nothing_is_made(api, client, marie, phone, email):
    answer = post_join(client, first_name="Someone", last_name="Else", phone=phone, email=email)
    assert answer.status_code == 409
    text = text_of(answer)
    assert NEUTRAL in text
    assert "Marie" not in text and "Dupont" not in text and "MARIE-DUPONT" not in text
    assert found(api, "someone") == []


def test_the_neutral_answer_is_the_same_whoever_the_details_belong_to(api, client, marie):
    new_client(api, "Paul", "Martin", phone="06 55 55 55 55")

    def answer_for(**fields):
        answer = post_join(client, first_name="Someone", last_name="Else", **fields)
        return answer.status_code, re.sub(r'value="[^"]*"', "", answer.text)  # the page but what was typed

    by_phone = answer_for(phone="06 55 55 55 55", email="")
    assert by_phone == answer_for(phone="06 11 22 33 44", email="")  # Paul's and Marie's
    assert by_phone[0] == 409 and answer_for(phone="", email="marie@example.org")[0] == 409


def test_an_unknown_code_says_so_and_still_lets_them_join_without_referrer(api, client, marie):
    page, _ = form_of(client, "/join?ref=NOBODY-42")
    assert "This invitation is not valid." in text_of(page) and "Invited by" not in text_of(page)
    answer = post_join(client, "/join?ref=NOBODY-42", first_name="Sophie", last_name="Martin", email="s@example.org")
    assert answer.status_code == 303
    (sophie,) = found(api, "sophie")
    assert sophie["referred_by"] is None


def test_without_a_code_the_page_is_a_plain_sign_up(api, client, marie):
    page, _ = form_of(client, "/join")
    assert "Invited by" not in text_of(page) and "not valid" not in text_of(page)
    assert post_join(client, first_name="Léa", last_name="Roux", email="lea@example.org").status_code == 303
    (lea,) = found(api, "roux")
    assert lea["referred_by"] is None and lea["referral_code"] == "LEA-ROUX" and lea["email_opt_in"] is False


def test_the_form_needs_its_csrf_token(api, client, marie):
    refused = client.post("/join", data={"first_name": "Sophie", "last_name": "Martin", "email": "s@example.org",
                                         "consent": "true"})
    assert refused.status_code == 400
    assert found(api, "sophie") == []


def test_sign_ups_are_limited_per_client_address(app, api, client, marie):
    assert app.config["JOIN_RATE"] == "5 per hour"
    for number in range(5):
        made = post_join(client, first_name="Guest", last_name=f"N{number}", email=f"guest{number}@example.org",
                         address="10.0.0.7")
        assert made.status_code == 303, number
    refused = post_join(client, first_name="Guest", last_name="Six", email="guest6@example.org", address="10.0.0.7")
    assert refused.status_code == 429 and "Too many sign-ups" in text_of(refused)
    assert "Retry-After" in refused.headers
    assert len(found(api, "guest")) == 5
    other = post_join(client, first_name="Guest", last_name="Other", email="other@example.org", address="10.0.0.8")
    assert other.status_code == 303  # per client address


def test_a_form_sent_back_for_a_missing_field_does_not_count(app, api, client, marie):
    app.config["JOIN_RATE"] = "2 per hour"
    for _ in range(4):
        assert post_join(client, consent=False, first_name="A", last_name="B", email="a@example.org").status_code == 422
    assert post_join(client, first_name="A", last_name="B", email="a@example.org").status_code == 303
    assert post_join(client, first_name="C", last_name="D", email="a@example.org").status_code == 409  # counts
    assert post_join(client, first_name="E", last_name="F", email="e@example.org").status_code == 429


def test_in_a_chain_the_new_client_belongs_to_the_referrer_s_salon(app, api, client):
    with app.app_context():
        from pos_loyalty.services.setup import add_salon
        from pos_loyalty.services.staff import create_token

        lyon = add_salon("lyon", "Salon Étoile Lyon").id
        token = create_token("till", "lyon till", salon_code="lyon")[1]
    made = api.http.post("/api/v1/clients", json={"first_name": "Marie", "last_name": "Dupont"},
                         headers={"Authorization": f"Bearer {token}"})
    assert made.status_code == 201
    assert post_join(client, "/join?ref=MARIE-DUPONT", first_name="Sophie", last_name="Martin",
                     email="s@example.org").status_code == 303
    assert post_join(client, first_name="Léa", last_name="Roux", email="l@example.org").status_code == 303
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Client

        salons = {c.first_name: c.created_in_salon_id for c in db.session.query(Client)}
    assert salons == {"Marie": lyon, "Sophie": lyon, "Léa": None}
    card = client.get(api.ok("GET", "/clients", query={"q": "sophie"})["items"][0]["card_url"][len("http://localhost"):])
    assert "Salon Étoile Lyon" in card.text  # her card carries the name of the salon she joined
