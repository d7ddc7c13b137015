"""/manage/: today's figures (sales with a client, points earned and redeemed, rewards used) after sales paid
through the API, the days taken in the salon's time zone, and the programme's state."""
import re
from datetime import UTC, datetime

import pytest

from salon_setup import add_item, add_reward, give_points, new_client, sell, set_program
from tests.conftest import START

pytestmark = pytest.mark.sqlite_only


def figures(page: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r'data-figure="([\w-]+)">\s*(\d+)\s*<', page)}


@pytest.fixture
def day_of_sales(api, clock):
    """Yesterday late and just after midnight (Paris), then this morning: a sale with a client, one without,
    one with a reward."""
    add_item(api, "CUT", "Coupe", "40.00")
    add_item(api, "BRUSH", "Brushing", "25.00")
    reward = add_reward(api, "10 € off", 100)
    lea = new_client(api, "Léa", "Bernard")
    marc = new_client(api, "Marc", "Petit")
    clock.set(datetime(2026, 11, 21, 22, 30, tzinfo=UTC))  # 23:30 in Paris on the 21st: yesterday
    give_points(api, marc["id"], 150, "Opening balance")
    sell(api, lea["id"], ("CUT", 1, "40.00"))
    clock.set(datetime(2026, 11, 21, 23, 30, tzinfo=UTC))  # 00:30 in Paris on the 22nd: today
    sell(api, lea["id"], ("CUT", 1, "40.00"))  # with a client: +40
    clock.set(START)
    sell(api, None, ("BRUSH", 1, "25.00"))  # without a client
    sale = sell(api, marc["id"], ("CUT", 1, "40.00"), ("BRUSH", 1, "25.00"), pay=False)
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    paid = api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "55.00", "method": "card"})
    assert paid["status"] == "paid" and paid["points_redeemed"] == 100
    sell(api, lea["id"], ("CUT", 1, "40.00"), pay=False)  # open: not paid, not counted
    give_points(api, lea["id"], 500, "Goodwill")  # by hand: not earned by a sale
    return {"with_reward_earned": paid["points_earned"]}


def test_todays_figures_are_the_sales_paid_today(manager, day_of_sales):
    shown = figures(manager.get("/manage/").get_data(as_text=True))
    today = {key: value for key, value in shown.items() if not key.endswith("-30")}
    assert today == {"sales_with_client": 2, "sales_paid": 3, "points_earned": 40 + day_of_sales["with_reward_earned"],
                     "points_redeemed": 100, "points_added_by_hand": 500, "rewards_used": 1, "new_clients": 2}, shown
    assert day_of_sales["with_reward_earned"] == 55  # 65 € less the 10 € reward, at 1 point per euro
    assert shown["sales_with_client-30"] == 3 and shown["sales_paid-30"] == 4  # yesterday's sale too
    assert shown["points_earned-30"] == 40 + 40 + 55 and shown["points_added_by_hand-30"] == 150 + 500


def test_the_programmes_state_is_shown(manager, api):
    page = manager.get("/manage/").get_data(as_text=True)
    assert re.search(r'<span class="badge ok">\s*on\s*</span>', page)
    set_program(api, enabled=False, points_per_unit="2")
    page = manager.get("/manage/").get_data(as_text=True)
    assert re.search(r'<span class="badge off">\s*off\s*</span>', page) and 'badge ok' not in page
    assert "Version 2" in page and "2 points per euro" in page
