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


def test_every_manager_action_leaves_who_what_before_and_after_in_the_audit(app, api):
    from salon_setup import add_item, give_points, new_client, sell

    set_program(api, points_per_unit="2")
    rule = add_rule(api, kind="service", service_code="CUT", points=10)
    api.ok("PATCH", f"/rules/{rule['id']}", {"points": 15}, as_="manager")
    add_item(api, "CUT", "Coupe", "30.00")
    client = new_client(api, "Léa", "Roux")
    give_points(api, client["id"], 40, "Goodwill")
    paid = sell(api, client["id"], ("CUT", 1, "30.00"))
    api.ok("POST", f"/sales/{paid['sale']['id']}/refund", as_="manager")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["staff", "add", "--name", "Zoé", "--role", "cashier", "--pin", "4321"]).exit_code == 0
    assert runner.invoke(args=["token", "create", "--role", "till", "--name", "till-9"]).exit_code == 0
    assert runner.invoke(args=["token", "revoke", "till-9"]).exit_code == 0

    page = api.ok("GET", "/audit", as_="manager")
    by_action = {}
    for item in page["items"]:
        by_action.setdefault(item["action"], item)
    assert list(by_action) == ["token.revoke", "token.create", "staff.add", "sale.refund", "points.adjust",
                               "catalogue.create", "rule.update", "rule.create", "program.update"]
    program = by_action["program.update"]
    assert (program["before"], program["after"], program["staff"], program["channel"]) == (
        {"points_per_unit": "1"}, {"points_per_unit": "2"}, "Ana (manager)", "api")
    assert (by_action["rule.update"]["before"], by_action["rule.update"]["after"]) == ({"points": 10}, {"points": 15})
    adjust = by_action["points.adjust"]
    assert (adjust["object"], adjust["before"], adjust["after"]["balance"], adjust["after"]["reason"]) == (
        f"client {client['id']}", {"balance": 0}, 40, "Goodwill")
    assert by_action["sale.refund"]["after"]["status"] == "refunded"
    assert by_action["staff.add"]["channel"] == "cli" and by_action["staff.add"]["staff"] == "command line"
    assert "4321" not in str(page)  # never a PIN or a token

    filtered = api.ok("GET", "/audit", as_="manager", query={"action": "rule"})["items"]
    assert [item["action"] for item in filtered] == ["rule.update", "rule.create"]
    assert api.ok("GET", "/audit", as_="manager", query={"q": "till-9"})["items"][0]["object"] == "token till-9"
