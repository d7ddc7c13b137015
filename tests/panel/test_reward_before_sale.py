"""Issue 11: the rewards a client can redeem show as buttons as soon as the client is attached, before the
sale's first line; one tap chooses one, and the first service held it on the sale it makes. Points gone
meanwhile: the refusal is said and the line stays."""
import pytest

from .test_panel_forms import logged_in

HTMX = {"HX-Request": "true"}


def attached(app, salon):
    client, token = logged_in(app)
    fragment = client.post("/panel/attach", data={"csrf_token": token, "client_id": salon["client"]["id"]},
                           headers=HTMX).get_data(as_text=True)
    return client, token, fragment


def test_a_reward_tapped_before_the_first_line_is_held_by_it(app, api, salon):
    client, token, fragment = attached(app, salon)
    reward = salon["reward"]
    assert f'name="reward_id" value="{reward["id"]}"' in fragment  # a button, with no sale yet
    fragment = client.post("/panel/rewards", data={"csrf_token": token, "reward_id": reward["id"]},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="pending-reward"' in fragment and reward["name"] in fragment
    assert api.ok("GET", f"/clients/{salon['client']['id']}/loyalty")["held"] == 0  # nothing held yet
    fragment = client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">20,00' in fragment and 'data-testid="pending-reward"' not in fragment
    assert api.ok("GET", f"/clients/{salon['client']['id']}/loyalty")["held"] == reward["points_cost"]


def test_the_choice_can_be_taken_back_and_goes_with_the_client(app, api, salon):
    client, token, _ = attached(app, salon)
    client.post("/panel/rewards", data={"csrf_token": token, "reward_id": salon["reward"]["id"]}, headers=HTMX)
    fragment = client.post("/panel/rewards/pending/remove", data={"csrf_token": token},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="pending-reward"' not in fragment
    client.post("/panel/rewards", data={"csrf_token": token, "reward_id": salon["reward"]["id"]}, headers=HTMX)
    client.post("/panel/attach", data={"csrf_token": token, "client_id": ""}, headers=HTMX)  # change client
    fragment = client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">30,00' in fragment
    assert api.ok("GET", f"/clients/{salon['client']['id']}/loyalty")["held"] == 0


def test_points_gone_meanwhile_the_line_stays_and_the_refusal_is_said(app, api, salon):
    client, token, _ = attached(app, salon)
    voucher = salon["voucher"]  # 900 points: more than the client's 200
    answer = client.post("/panel/rewards", data={"csrf_token": token, "reward_id": voucher["id"]}, headers=HTMX)
    assert answer.status_code == 200
    fragment = client.post("/panel/lines", data={"csrf_token": token, "code": "PORTRAIT"},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">75,00' in fragment and "message error" in fragment
    sale = api.ok("GET", f"/clients/{salon['client']['id']}/loyalty")
    assert sale["held"] == 0


@pytest.mark.parametrize("reward_id", ["999999", "abc"])
def test_an_unknown_reward_is_refused_and_nothing_is_remembered(app, api, salon, reward_id):
    client, token, _ = attached(app, salon)
    answer = client.post("/panel/rewards", data={"csrf_token": token, "reward_id": reward_id}, headers=HTMX)
    assert answer.status_code in (400, 404)
    fragment = client.post("/panel/lines", data={"csrf_token": token, "code": "BRUSH"},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">30,00' in fragment


@pytest.mark.parametrize("stacking", [False, True])
def test_with_a_reward_on_the_sale_others_are_offered_only_when_rewards_stack(app, api, salon, stacking):
    from salon_setup import add_reward

    other = add_reward(api, "Pose vernis offerte", 50)
    api.ok("PATCH", "/program", {"allow_stacking": stacking}, as_="manager")
    client, token, _ = attached(app, salon)
    client.post("/panel/lines", data={"csrf_token": token, "code": "PORTRAIT"}, headers=HTMX)
    fragment = client.post("/panel/rewards", data={"csrf_token": token, "reward_id": salon["reward"]["id"]},
                           headers=HTMX).get_data(as_text=True)
    assert 'data-testid="due">65,00' in fragment
    assert (f'name="reward_id" value="{other["id"]}"' in fragment) is stacking


@pytest.mark.parametrize("sale_earns", [True, False])
def test_a_reward_whose_sale_earns_nothing_says_so_on_its_button(app, api, salon, sale_earns):
    api.ok("PATCH", f"/rewards/{salon['reward']['id']}", {"sale_earns": sale_earns}, as_="manager")
    client, token, fragment = attached(app, salon)
    button = fragment[fragment.index(f'name="reward_id" value="{salon["reward"]["id"]}"'):]
    button = button[:button.index("</button>")]
    assert ('data-testid="earns-nothing"' in button) is not sale_earns
