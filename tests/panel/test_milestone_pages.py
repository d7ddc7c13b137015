"""Issue 13, the pages in milestone mode (Flask test client): the programme's reward mode and referral
thank-you under their API names; the rewards page's question about clients already past a threshold (a count
for the cost typed, "now" issues their codes, "later" does not, garbage saves nothing, redeem mode asks
nothing); a client's codes in the back office with "Void"; the client's own card with its codes and a visit
that earned nothing as "—"; a typed code at the till attaching its owner, and refusals in French."""
import html
import re
from urllib.parse import urlsplit

import pytest

from salon_setup import give_points, new_client, sell, set_program
from tests.panel.logins import csrf_of, log_in

HTMX = {"HX-Request": "true"}
PROGRAM_FORM = {"enabled": ["false", "true"], "points_per_unit": "1", "rounding": "floor", "validity_months": "12",
                "products_earn": ["false", "true"], "discounted_sales_earn": "false", "subscribers_earn": "false",
                "referrer_bonus": "0", "welcome_bonus": "0", "allow_stacking": "false", "catalogue_only": "false"}
DISCOUNT = {"name": "Soin offert", "kind": "amount_off", "value": "15", "description": "",
            "active": ["false", "true"], "sale_earns": ["false", "true"]}


def text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).replace("\u202f", " ")


def as_manager(app, lang="en"):
    browser = app.test_client()
    log_in(browser, "Isabelle", "9876")
    page = browser.get("/manage/").get_data(as_text=True)
    browser.post("/language", data={"csrf_token": csrf_of(page), "lang": lang})
    return browser


def post(browser, page_path: str, action: str, headers=None, **fields):
    token = csrf_of(browser.get(page_path).get_data(as_text=True))
    return browser.post(action, data={"csrf_token": token, **fields}, headers=headers or {})


def codes_of(app, client_id: int) -> list[dict]:
    with app.app_context():
        from pos_loyalty.services.milestones import client_codes

        return client_codes(client_id)


def rewards(api) -> list[dict]:
    return api.ok("GET", "/rewards", as_="manager")


@pytest.fixture
def milestone(api, salon):
    """Hélène has 200 points from redeem mode (no code: she is past 100 without having crossed it); Marc
    crosses 100 in milestone mode and holds the code of “10 € offerts”."""
    set_program(api, reward_mode="milestone")
    marc = new_client(api, "Marc", "Lenoir")
    give_points(api, marc["id"], 120)
    return {**salon, "marc": marc}


# --- /manage/program ------------------------------------------------------------------------------------
def test_the_programme_page_saves_the_reward_mode_and_the_referral_thanks_under_their_api_names(app, api, salon):
    browser = as_manager(app)
    page = browser.get("/manage/program").get_data(as_text=True)
    assert 'name="reward_mode" value="redeem" checked' in page and 'name="reward_mode" value="milestone"' in page
    assert 'name="referral_thanks_email"' in page
    assert "Milestones: lifetime points unlock a code" in text(page) and "Thank the referrer by e-mail" in text(page)
    fields = {**PROGRAM_FORM, "reward_mode": "milestone", "referral_thanks_email": ["false", "true"],
              "past_clients": "later"}  # Hélène is past a reward: the switch's question (test_milestone_switch.py)
    answer = post(browser, "/manage/program", "/manage/program", **fields)
    assert answer.status_code == 302, text(answer.get_data(as_text=True))[:600]
    program = api.ok("GET", "/program")
    assert program["reward_mode"] == "milestone" and program["referral_thanks_email"] is True
    page = browser.get("/manage/program").get_data(as_text=True)
    assert 'name="reward_mode" value="milestone" checked' in page
    assert "Reward mode: rewards cost points → rewards unlocked as codes" in text(page)

    before = api.ok("GET", "/program")["version"]
    answer = post(browser, "/manage/program", "/manage/program", **{**fields, "reward_mode": "<b>tout</b>"})
    assert answer.status_code == 422
    assert "Nothing was saved" in text(answer.get_data(as_text=True))
    assert api.ok("GET", "/program")["version"] == before and api.ok("GET", "/program")["reward_mode"] == "milestone"


# --- /manage/rewards ------------------------------------------------------------------------------------
def test_a_new_reward_asks_first_about_the_clients_already_past_it_and_now_gives_them_their_code(app, api,
                                                                                                 milestone):
    browser = as_manager(app)
    count = len(rewards(api))
    answer = post(browser, "/manage/rewards", "/manage/rewards", points_cost="150", **DISCOUNT)
    page = text(answer.get_data(as_text=True))
    assert answer.status_code == 200 and "1 client is already past 150 points" in page  # Hélène (200), not Marc
    assert "Give them the reward now" in page and "Only clients who reach it from now on" in page
    assert len(rewards(api)) == count  # nothing saved before the answer
    answer = post(browser, "/manage/rewards", "/manage/rewards", points_cost="150", past_clients="now", **DISCOUNT)
    assert answer.status_code == 302
    created = [r for r in rewards(api) if r["name"] == "Soin offert"]
    assert len(created) == 1 and created[0]["points_cost"] == 150
    helene = [c for c in codes_of(app, milestone["client"]["id"]) if c["reward_id"] == created[0]["id"]]
    assert len(helene) == 1 and re.fullmatch(r"[A-Z]{6}", helene[0]["code"])
    assert "1 client already past it received the reward's code." in text(browser.get("/manage/rewards")
                                                                             .get_data(as_text=True))


def test_only_from_now_on_issues_nothing_and_garbage_saves_nothing(app, api, milestone):
    browser = as_manager(app)
    count = len(rewards(api))
    answer = post(browser, "/manage/rewards", "/manage/rewards", points_cost="150", past_clients="peut-être",
                  **DISCOUNT)
    assert answer.status_code == 422 and len(rewards(api)) == count
    assert "Choose whether the clients already past this threshold" in text(answer.get_data(as_text=True))
    answer = post(browser, "/manage/rewards", "/manage/rewards", points_cost="150", past_clients="later", **DISCOUNT)
    assert answer.status_code == 302 and len(rewards(api)) == count + 1
    assert codes_of(app, milestone["client"]["id"]) == []


def test_lowering_a_threshold_asks_with_the_count_for_the_new_cost(app, api, milestone):
    voucher = milestone["voucher"]  # 900 points: nobody is past it
    browser = as_manager(app)
    fields = {"name": voucher["name"], "kind": "amount_off", "value": "50", "description": "",
              "active": ["false", "true"], "sale_earns": ["false", "true"]}
    path = f"/manage/rewards/{voucher['id']}"
    answer = post(browser, path, path, points_cost="110", **fields)
    assert "2 clients are already past 110 points" in text(answer.get_data(as_text=True))  # Hélène 200, Marc 120
    assert api.ok("GET", f"/rewards/{voucher['id']}", as_="manager")["points_cost"] == 900
    answer = post(browser, path, path, points_cost="150", **fields)
    assert "1 client is already past 150 points" in text(answer.get_data(as_text=True))
    answer = post(browser, path, path, points_cost="1000", **fields)  # raised: nothing to ask
    assert answer.status_code == 302
    assert api.ok("GET", f"/rewards/{voucher['id']}", as_="manager")["points_cost"] == 1000


def test_in_redeem_mode_nothing_is_asked(app, api, salon):
    browser = as_manager(app)
    answer = post(browser, "/manage/rewards", "/manage/rewards", points_cost="150", **DISCOUNT)
    assert answer.status_code == 302 and any(r["name"] == "Soin offert" for r in rewards(api))


@pytest.mark.parametrize("lang, intro, terms, label", [
    ("en", "as a code, when their lifetime points reach a threshold", "off at 100 lifetime points",
     "Lifetime points that issue it"),
    ("fr", "sous forme de code, quand leurs points cumulés atteignent un seuil", "à 100 points cumulés",
     "Points cumulés qui la déclenchent"),
    ("it", "come codice, quando i loro punti accumulati raggiungono una soglia", "a 100 punti accumulati",
     "Punti accumulati che lo sbloccano")])
def test_the_rewards_page_speaks_of_thresholds_in_milestone_mode(app, api, milestone, lang, intro, terms, label):
    browser = as_manager(app, lang)
    page = text(browser.get("/manage/rewards").get_data(as_text=True))
    assert intro in page and terms in page and label in page
    assert "spend their points" not in page and "Points it costs" not in page and "for 100 points" not in page
    edit = text(browser.get(f"/manage/rewards/{milestone['reward']['id']}").get_data(as_text=True))
    assert label in edit and terms in edit and "keep the points it cost" not in edit


def test_the_rewards_page_speaks_of_costs_in_redeem_mode(app, api, salon):
    page = text(as_manager(app).get("/manage/rewards").get_data(as_text=True))
    assert "What clients spend their points on" in page and "Points it costs" in page and "for 100 points" in page
    assert "lifetime points" not in page
    edit = text(as_manager(app).get(f"/manage/rewards/{salon['reward']['id']}").get_data(as_text=True))
    assert "keep the points it cost then" in edit and "Codes already issued" not in edit


# --- /manage/clients/<id> -------------------------------------------------------------------------------
def test_the_client_page_lists_the_codes_and_voids_one(app, api, milestone):
    marc = milestone["marc"]
    [code] = codes_of(app, marc["id"])
    browser = as_manager(app)
    path = f"/manage/clients/{marc['id']}"
    page = browser.get(path).get_data(as_text=True)
    row = text(page[page.index(f'data-code="{code["code"]}"'):page.index("</tr>", page.index(code["code"]))])
    assert "10 € offerts" in row and "to use" in row and "Void" in row
    next_reward = text(page[page.index('data-testid="next-reward"'):page.index("</p>", page.index('data-testid="next-reward"'))])
    assert "lifetime points" in next_reward and "it costs" not in next_reward  # nothing costs points here
    waiting = text(page[page.index('data-testid="eligible"'):page.index("</ul>", page.index('data-testid="eligible"'))])
    assert "10 € offerts · issued at 100 lifetime points" in waiting and "Rewards waiting as codes" in text(page)
    assert "Rewards redeemable now" not in text(page)
    answer = post(browser, path, f"{path}/codes/{code['grant_id']}/void")
    assert answer.status_code == 302
    assert codes_of(app, marc["id"])[0]["status"] == "void"
    page = text(browser.get(path).get_data(as_text=True))
    assert f"Code {code['code']} voided: it can no longer be used." in page and "voided" in page
    assert api.ok("GET", "/audit", as_="manager")["items"][0]["action"] == "grant.void"
    answer = post(browser, path, f"{path}/codes/{code['grant_id']}/void")  # twice: refused, said
    assert answer.status_code == 302 and codes_of(app, marc["id"])[0]["status"] == "void"


def test_another_clients_code_cannot_be_voided_from_this_page(app, api, milestone):
    [code] = codes_of(app, milestone["marc"]["id"])
    browser = as_manager(app)
    path = f"/manage/clients/{milestone['client']['id']}"
    assert post(browser, path, f"{path}/codes/{code['grant_id']}/void").status_code == 404
    assert codes_of(app, milestone["marc"]["id"])[0]["status"] == "issued"


# --- /card/<token> --------------------------------------------------------------------------------------
def card_page(app, api, client_id, lang="fr") -> str:
    url = api.ok("GET", f"/clients/{client_id}")["card_url"]
    return app.test_client().get(urlsplit(url).path, query_string={"lang": lang}).get_data(as_text=True)


def test_the_clients_card_shows_the_code_big_and_the_next_threshold_by_lifetime_points(app, api, milestone):
    marc = milestone["marc"]
    [code] = codes_of(app, marc["id"])
    page = card_page(app, api, marc["id"])
    assert f'value="{code["code"]}"' in page and 'data-testid="card-code"' in page
    words = text(page)
    assert "10 € offerts" in words, words
    assert "Plus que 780 points pour : Bon de 50 €" in words  # 900 − 120 lifetime
    assert 'value="120"' in page  # the progress is lifetime points


def test_a_visit_that_earned_nothing_shows_a_dash(app, api, salon):
    set_program(api, points_per_unit="0")
    sell(api, salon["client"]["id"], ("BRUSH", 1, "30.00"))
    page = card_page(app, api, salon["client"]["id"])
    visits = page[page.index('data-testid="card-visits"'):]
    visits = visits[:visits.index("</ul>")]
    assert 'data-testid="visit-nothing"' in visits and "—" in visits and ">0<" not in visits


# --- the till -------------------------------------------------------------------------------------------
def cashier(app):
    from tests.panel.test_panel_forms import logged_in

    return logged_in(app)


def test_a_typed_code_attaches_its_owner_and_a_second_use_is_refused_in_french(app, api, milestone):
    marc = milestone["marc"]
    [code] = codes_of(app, marc["id"])
    browser, token = cashier(app)
    browser.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"})
    answer = browser.post("/panel/codes", data={"csrf_token": token, "code": code["code"].lower()}, headers=HTMX)
    fragment = text(answer.get_data(as_text=True))
    assert answer.status_code == 200 and "Marc Lenoir" in fragment and "20,00 €" in fragment  # 30 − 10
    sale = api.ok("GET", f"/sales/{browser_sale(app, browser)}")
    assert sale["client_id"] == marc["id"] and api.ok("GET", f"/clients/{marc['id']}/loyalty")["balance"] == 120
    browser.post("/panel/pay", data={"csrf_token": token, "amount": "20,00", "method": "card"})
    browser.post("/panel/new", data={"csrf_token": token})
    browser.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"})
    answer = browser.post("/panel/codes", data={"csrf_token": token, "code": code["code"]}, headers=HTMX)
    assert answer.status_code == 422 and "Ce code a déjà été utilisé." in text(answer.get_data(as_text=True))


def browser_sale(app, browser) -> int:
    page = browser.get("/").get_data(as_text=True)
    return int(re.search(r"Vente n° (\d+)", html.unescape(page)).group(1))


@pytest.mark.parametrize("typed, words", [("ABC", "Un code a six lettres."), ("ZZZZZZ", "Aucune récompense n'a ce code.")])
def test_a_wrong_code_is_said_and_attaches_nobody(app, api, milestone, typed, words):
    browser, token = cashier(app)
    answer = browser.post("/panel/codes", data={"csrf_token": token, "code": typed}, headers=HTMX)
    assert answer.status_code == 422 and words in text(answer.get_data(as_text=True))
    assert 'data-testid="attached-client"' not in answer.get_data(as_text=True)


def test_another_clients_code_is_refused_for_the_attached_client(app, api, milestone):
    [code] = codes_of(app, milestone["marc"]["id"])
    browser, token = cashier(app)
    browser.post("/panel/attach", data={"csrf_token": token, "client_id": milestone["client"]["id"]})
    browser.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"})
    answer = browser.post("/panel/codes", data={"csrf_token": token, "code": code["code"]}, headers=HTMX)
    assert answer.status_code == 422 and "Ce code appartient à un autre client." in text(answer.get_data(as_text=True))
    assert codes_of(app, milestone["marc"]["id"])[0]["status"] == "issued"


def test_the_attached_clients_codes_are_buttons_and_the_next_reward_reads_lifetime_points(app, api, milestone):
    marc = milestone["marc"]
    [code] = codes_of(app, marc["id"])
    browser, token = cashier(app)
    fragment = browser.post("/panel/attach", data={"csrf_token": token, "client_id": marc["id"]},
                            headers=HTMX).get_data(as_text=True)
    assert f'data-testid="code-{code["code"]}"' in fragment
    assert "Prochaine récompense : Bon de 50 € dans 780 points" in text(fragment)
    assert 'class="reward eligible">10 € offerts' not in fragment  # no reward bought with points


def test_redeem_mode_has_no_code_field(app, api, salon):
    browser, token = cashier(app)
    assert 'data-testid="till-codes"' not in browser.get("/").get_data(as_text=True)
