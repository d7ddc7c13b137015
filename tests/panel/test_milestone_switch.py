"""Issue 13, the switch to milestone mode on /manage/program (Flask test client): when the reward mode goes
from redeem to milestone while clients' lifetime points are already past a reward, the page says how many per
reward and asks whether they receive their codes now or only from now on; nothing is saved before the answer,
nothing is issued without "now"; a retired reward, a switch with the programme off, a save that does not
switch and a switch nobody is past ask nothing; a garbage answer saves nothing. In French and Italian too."""
import pytest

from salon_setup import add_reward, give_points, new_client
from tests.panel.test_milestone_pages import PROGRAM_FORM, as_manager, codes_of, post, text

MILESTONE = {**PROGRAM_FORM, "reward_mode": "milestone", "referral_thanks_email": "false"}


@pytest.fixture
def past(api, salon):
    """Redeem mode: Hélène has 200 points (past “10 € offerts” at 100), Marc 950 (past it and “Bon de 50 €” at
    900); a retired reward at 50 that both are past asks nothing."""
    marc = new_client(api, "Marc", "Lenoir")
    give_points(api, marc["id"], 950)
    retired = add_reward(api, "Ancien cadeau", 50)
    api.ok("PATCH", f"/rewards/{retired['id']}", {"active": False}, as_="manager")
    return {**salon, "marc": marc, "retired": retired}


def mode(api) -> str:
    return api.ok("GET", "/program")["reward_mode"]


def all_codes(app, past) -> list[dict]:
    return codes_of(app, past["client"]["id"]) + codes_of(app, past["marc"]["id"])


def test_the_switch_says_how_many_clients_per_reward_and_saves_nothing_before_the_answer(app, api, past):
    browser = as_manager(app)
    version = api.ok("GET", "/program")["version"]
    answer = post(browser, "/manage/program", "/manage/program", **MILESTONE)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'data-testid="past-prompt"' in page
    prompt = text(page[page.index('data-testid="past-prompt"'):page.index("</section>")])
    assert "Clients are already past these rewards" in prompt
    assert "10 € offerts (threshold 100): 2 clients already past it" in prompt  # Hélène and Marc
    assert "Bon de 50 € (threshold 900): 1 client already past it" in prompt  # Marc
    assert "Ancien cadeau" not in prompt  # retired
    assert "Give them their codes now" in prompt and "Only clients who reach a reward from now on" in prompt
    assert 'name="reward_mode" value="milestone"' in page[page.index('data-testid="past-prompt"'):]
    assert mode(api) == "redeem" and api.ok("GET", "/program")["version"] == version
    assert all_codes(app, past) == []


def test_now_saves_the_mode_and_gives_each_client_the_codes_of_the_rewards_they_are_past(app, api, past):
    browser = as_manager(app)
    answer = post(browser, "/manage/program", "/manage/program", past_clients="now", **MILESTONE)
    assert answer.status_code == 302
    assert mode(api) == "milestone"
    helene = {code["name"] for code in codes_of(app, past["client"]["id"])}
    marc = {code["name"] for code in codes_of(app, past["marc"]["id"])}
    assert helene == {"10 € offerts"} and marc == {"10 € offerts", "Bon de 50 €"}
    page = text(browser.get("/manage/program").get_data(as_text=True))
    assert "3 codes were issued to the clients already past a reward." in page
    assert "Reward mode: rewards cost points → rewards unlocked as codes" in page
    assert api.ok("GET", f"/clients/{past['marc']['id']}/loyalty")["balance"] == 950  # points never spent


def test_only_from_now_on_saves_the_mode_and_issues_nothing(app, api, past):
    browser = as_manager(app)
    answer = post(browser, "/manage/program", "/manage/program", past_clients="later", **MILESTONE)
    assert answer.status_code == 302 and mode(api) == "milestone"
    assert all_codes(app, past) == []
    give_points(api, past["client"]["id"], 10)  # Hélène 210: crosses nothing new
    assert all_codes(app, past) == []


def test_a_garbage_answer_saves_nothing(app, api, past):
    browser = as_manager(app)
    answer = post(browser, "/manage/program", "/manage/program", past_clients="<b>oui</b>", **MILESTONE)
    assert answer.status_code == 422 and mode(api) == "redeem" and all_codes(app, past) == []
    assert "Choose whether the clients already past this threshold" in text(answer.get_data(as_text=True))


@pytest.mark.parametrize("fields", [
    {**MILESTONE, "enabled": "false"},  # switched with the programme off: nothing can be issued
    {**PROGRAM_FORM, "reward_mode": "redeem", "referral_thanks_email": "false", "welcome_bonus": "5"},
], ids=["programme-off", "no-switch"])
def test_nothing_is_asked_when_the_save_does_not_switch_an_active_programme(app, api, past, fields):
    browser = as_manager(app)
    answer = post(browser, "/manage/program", "/manage/program", **fields)
    assert answer.status_code == 302 and all_codes(app, past) == []
    assert mode(api) == fields["reward_mode"]


def test_a_switch_nobody_is_past_asks_nothing(app, api, salon):
    browser = as_manager(app)
    api.ok("POST", f"/clients/{salon['client']['id']}/adjustments", {"points": -200, "reason": "Remise à zéro"},
           as_="manager")  # Hélène's lifetime: 200 credited, 200 removed by hand
    answer = post(browser, "/manage/program", "/manage/program", **MILESTONE)
    assert answer.status_code == 302 and mode(api) == "milestone"


def test_already_in_milestone_mode_a_save_asks_nothing(app, api, past):
    api.ok("PATCH", "/program", {"reward_mode": "milestone"}, as_="manager")
    browser = as_manager(app)
    answer = post(browser, "/manage/program", "/manage/program", **{**MILESTONE, "welcome_bonus": "5"})
    assert answer.status_code == 302 and all_codes(app, past) == []


@pytest.mark.parametrize("lang, words", [
    ("fr", ("Des clients ont déjà dépassé ces récompenses", "10 € offerts (seuil 100) : 2 clients l'ont déjà dépassé",
            "Leur donner leurs codes maintenant", "Seulement les clients qui atteindront une récompense désormais")),
    ("it", ("Alcuni clienti hanno già superato questi premi", "10 € offerts (soglia 100): 2 clienti l'hanno già superata",
            "Dare loro i codici adesso", "Solo i clienti che raggiungeranno un premio d'ora in poi")),
])
def test_the_question_in_french_and_italian(app, api, past, lang, words):
    browser = as_manager(app, lang)
    page = text(post(browser, "/manage/program", "/manage/program", **MILESTONE).get_data(as_text=True))
    for sentence in words:
        assert sentence in page, (sentence, page[:1500])
    post(browser, "/manage/program", "/manage/program", past_clients="now", **MILESTONE)
    page = text(browser.get("/manage/program").get_data(as_text=True))
    assert {"fr": "3 codes ont été émis", "it": "3 codici sono stati emessi"}[lang] in page
