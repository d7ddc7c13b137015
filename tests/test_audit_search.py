"""GET /audit?q=: the words anywhere in an entry (who, object, action, values), on both databases."""
from salon_setup import add_item, add_reward, give_points, new_client


def found(api, q: str) -> list[str]:
    return [item["action"] for item in api.ok("GET", "/audit", as_="manager", query={"q": q})["items"]]


def test_the_words_are_found_in_the_values_accents_and_case_alike(api):
    add_item(api, "CUT", "Coupe", "40.00")
    add_reward(api, "Soin offert à l'été", 100)
    client = new_client(api, "Léa", "Roux")
    give_points(api, client["id"], 40, "Geste 100% fidélité")
    assert found(api, "offert à l'été") == ["reward.create"]
    assert found(api, "fidélité") == ["points.adjust"]
    assert found(api, "coupe") == ["catalogue.create"]  # any case
    assert found(api, "100%") == ["points.adjust"]  # % typed is a letter, not a wildcard
    assert found(api, "0%f") == []
    assert found(api, "reward.create") == ["reward.create"]  # the action's code too
