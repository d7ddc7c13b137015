"""Recalculating history credits past sales that earned nothing, once, with their own expiry."""
from salon_setup import add_item, add_rule, balance, new_client, sell, set_program


def test_sales_made_while_disabled_are_credited_once(app, api, clock):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_rule(api, kind="service", service_code="CUT", points=10)
    set_program(api, enabled=False, validity_months=12)
    client = new_client(api, "Hélène", "Dupré")
    other = new_client(api, "Zoé", "Faure")
    old = sell(api, client["id"], ("CUT", 1, "40.00"))  # 22 Nov 2026
    clock.advance(days=400)
    sell(api, client["id"], ("CUT", 2, "40.00"))
    sell(api, other["id"], ("CUT", 1, "40.00"))
    set_program(api, enabled=True)
    earned_already = sell(api, other["id"], ("CUT", 1, "40.00"))
    assert earned_already["points_earned"] == 50

    runner = app.test_cli_runner()
    result = runner.invoke(args=["recalculate", "--since", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "over 3 sales" in result.output
    # The old sale's 50 points expired on 22 Nov 2027: credited and gone, as they would have been.
    assert balance(api, client["id"]) == 100
    assert balance(api, other["id"]) == 50 + 50
    history = api.ok("GET", f"/clients/{client['id']}/ledger")["items"]
    kinds = [(e["kind"], e["points"], e["sale_id"]) for e in history]
    assert ("expire", -50, None) in kinds and ("earn", 40, old["sale"]["id"]) in kinds

    again = runner.invoke(args=["recalculate", "--since", "2026-01-01"])
    assert "0 points credited over 0 sales" in again.output
    assert balance(api, client["id"]) == 100


def test_recalculation_does_nothing_while_disabled_and_refuses_bad_dates(app, api):
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    set_program(api, enabled=False)
    client = new_client(api, "Paul", "Roux")
    sell(api, client["id"], ("CUT", 1, "40.00"))
    runner = app.test_cli_runner()
    assert "0 points credited" in runner.invoke(args=["recalculate", "--since", "2026-01-01"]).output
    bad = runner.invoke(args=["recalculate", "--since", "yesterday"])
    assert bad.exit_code != 0 and "yesterday" in bad.output
