"""GET /program/versions and GET /audit: every change with who, when and what, newest first."""
from salon_setup import add_reward, add_rule, set_program


def test_versions_say_what_changed_newest_first(api):
    set_program(api, points_per_unit="2")
    rule = add_rule(api, kind="category", category="colour", points=20)
    reward = add_reward(api, "10 € off", 100)
    api.ok("PATCH", f"/rewards/{reward['id']}", {"points_cost": 150}, as_="manager")

    versions = api.ok("GET", "/program/versions", as_="manager")

    assert [v["version"] for v in versions] == sorted((v["version"] for v in versions), reverse=True)
    newest, reward_made, rule_made, ratio = versions[:4]
    assert ratio["changes"] == {"points_per_unit": ["1", "2"]}
    assert ratio["changed_by"] == "Ana (manager)"
    assert list(rule_made["changes"]) == [f"rule {rule['id']}"]
    before, after = rule_made["changes"][f"rule {rule['id']}"]
    assert before is None and after["category"] == "colour" and after["points"] == 20
    assert reward_made["changes"][f"reward {reward['id']}"][0] is None
    before, after = newest["changes"][f"reward {reward['id']}"]
    assert (before["points_cost"], after["points_cost"]) == (100, 150)
    assert versions[-1]["changes"]["points_per_unit"] == [None, "1"]  # the first version: everything is new


def test_versions_and_audit_are_for_managers(api):
    for path in ("/program/versions", "/audit"):
        status, body = api.call("GET", path, as_="till")
        assert status == 403 and body["error"]["code"] == "forbidden"
        status, body = api.call("GET", path, as_=None)
        assert status == 401
