"""GET /clients/{id}/export (services/privacy.py), on SQLite and PostgreSQL: all that is held about a person, as
one JSON download that agrees with what the API answers call by call (profile, loyalty summary, ledger, lots,
sales with lines, payments and redemptions, rewards granted, referrals, audit entries); the referred clients by
id only; the acting salon's sales only; the export itself in the audit trail."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from salon_setup import add_item, add_reward, new_client, sell, set_program

PROFILE = {"first_name": "Hélène", "last_name": "Dupré", "phone": "06 11 22 33 44", "email": "helene@example.org",
           "birth_date": "1990-04-12", "subscriber": True, "email_opt_in": True}


def cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def helene(app, api):
    """Hélène, referred by Paul, referred Léon; two paid sales (one with a reward), points by hand, a grant."""
    add_item(api, "CUT", "Coupe", "40.00")
    set_program(api, referrer_bonus=30, welcome_bonus=10, subscribers_earn=True)
    reward = add_reward(api, "5 € offerts", 20, value="5.00")
    new_client(api, "Paul", "Martin")
    client = api.ok("POST", "/clients", {**PROFILE, "referred_by": "PAUL-MARTIN"})
    leon = new_client(api, "Léonard", "Vasseur", referred_by=client["referral_code"])["id"]
    sell(api, client["id"], ("CUT", 1, "40.00"))
    api.ok("POST", f"/clients/{client['id']}/adjustments", {"points": 15, "reason": "Goodwill"}, as_="manager")
    api.ok("POST", f"/clients/{client['id']}/rewards", {"reward_id": reward["id"], "reason": "Contest"}, as_="manager")
    sale = api.ok("POST", "/sales", {"client_id": client["id"], "lines": [{"code": "CUT", "quantity": 2}]})
    api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "75.00", "method": "cash"})
    api.ok("PATCH", f"/clients/{client['id']}", {"phone": "06 11 22 33 45"}, as_="manager")
    return {"client": api.ok("GET", f"/clients/{client['id']}"), "leon": leon, "reward": reward}


def export(api, client_id: int, as_: str = "manager"):
    response = api.http.get(f"/api/v1/clients/{client_id}/export",
                            headers={"Authorization": f"Bearer {api.tokens[as_]}"})
    return response


def test_the_export_holds_all_that_is_held_and_agrees_with_the_api(app, api, helene, clock):
    client = helene["client"]
    cid = client["id"]
    response = export(api, cid)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="client-{cid}-data.json"'
    document = response.get_json()
    assert document["format_version"] == 1
    assert datetime.fromisoformat(document["exported_at"]) == clock()
    assert document["exported_at"].endswith("+01:00")  # the salon's time zone, as the ledger's dates
    assert document["exported_by"] == "Ana (manager)"

    profile = document["client"]
    for field in ("id", "first_name", "last_name", "phone", "email", "birth_date", "subscriber", "email_opt_in",
                  "referral_code", "referred_by", "referral_link"):
        assert profile[field] == client[field], field
    assert profile["phone"] == "06 11 22 33 45" and profile["referred_by"] == "PAUL-MARTIN"
    assert profile["consents"] == {"programme": True, "email_opt_in": True}
    assert datetime.fromisoformat(profile["created_at"]) == datetime.fromisoformat(client["created_at"])
    if "card_url" in client:
        assert profile["card_url"] == client["card_url"] and profile["card_url"]

    loyalty = api.ok("GET", f"/clients/{cid}/loyalty")
    for field in ("balance", "held", "available", "next_expiry", "expiring", "eligible_rewards", "next_reward"):
        assert document["loyalty"][field] == loyalty[field], field
    ledger = api.ok("GET", f"/clients/{cid}/ledger", query={"limit": 200})["items"]
    assert document["ledger"] == list(reversed(ledger))  # the same entries, oldest first
    assert {e["kind"] for e in document["ledger"]} >= {"earn", "welcome", "adjust", "redeem"}
    assert sum(lot["remaining"] for lot in document["lots"]) == loyalty["balance"]
    assert sorted(lot["entry_id"] for lot in document["lots"]) == sorted(e["id"] for e in ledger if e["points"] > 0)

    assert len(document["sales"]) == 2
    for exported in document["sales"]:
        sale = api.ok("GET", f"/sales/{exported['id']}")
        assert [(line["code"], line["quantity"], line["unit_price"]) for line in exported["lines"]] == [
            (line["code"], line["quantity"], line["unit_price"]) for line in sale["lines"]]
        assert exported["status"] == "paid" and exported["payments"]
    with_reward = next(s for s in document["sales"] if s["redemptions"])
    assert [(r["reward_id"], r["points_cost"], r["status"]) for r in with_reward["redemptions"]] == [
        (helene["reward"]["id"], 20, "deducted")]
    assert with_reward["payments"][0]["method"] == "cash" and with_reward["payments"][0]["amount"] == "75.00"
    assert [(g["reward_id"], g["reason"], g["status"]) for g in document["rewards_granted"]] == [
        (helene["reward"]["id"], "Contest", "available")]

    assert document["referrals_made"] == [helene["leon"]]
    text = json.dumps(document, ensure_ascii=False)
    assert "Léonard" not in text and "Vasseur" not in text  # the referred client's name is theirs
    actions = [entry["action"] for entry in document["audit"]]
    assert actions == ["points.adjust", "grant.create", "client.update"]
    assert document["audit"][-1]["before"] == {"phone": "06 11 22 33 44"}


def test_the_export_is_in_the_audit_trail_and_changes_nothing_else(app, api, helene):
    cid = helene["client"]["id"]
    balance = api.ok("GET", f"/clients/{cid}/loyalty")["balance"]
    export(api, cid)
    export(api, cid)
    exported = api.ok("GET", "/audit", as_="manager", query={"action": "client.export"})["items"]
    assert [(e["staff"], e["object"], e["channel"], e["before"], e["after"]) for e in exported] == [
        ("Ana (manager)", f"client {cid}", "api", None, None)] * 2
    assert api.ok("GET", f"/clients/{cid}/loyalty")["balance"] == balance
    assert api.ok("GET", f"/clients/{cid}") == helene["client"]


def test_a_till_token_an_unknown_client_and_an_erased_one_are_refused_unaudited(app, api, helene):
    cid = helene["client"]["id"]
    response = export(api, cid, as_="till")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    response = export(api, 987654)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "client_not_found"
    assert api.ok("GET", "/audit", as_="manager", query={"action": "client.export"})["items"] == []
    api.ok("DELETE", f"/clients/{cid}", as_="manager")
    response = export(api, cid)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "client_erased"


def test_the_openapi_document_describes_the_export_and_the_erasure(api):
    document = api.http.get("/api/v1/openapi.json").get_json()
    export_call = document["paths"]["/api/v1/clients/{client_id}/export"]["get"]
    schema = export_call["responses"]["200"]["content"]["application/json"]["schema"]
    fields = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert {"format_version", "exported_at", "client", "loyalty", "ledger", "lots", "sales", "rewards_granted",
            "referrals_made", "audit"} <= set(fields)
    assert "403" in export_call["responses"]
    assert "delete" in document["paths"]["/api/v1/clients/{client_id}"]


def test_another_salons_sales_stay_out_of_its_export(app, api, client, helene):
    from conftest import ApiClient

    cli(app, "salon", "add", "--code", "lyon", "--name", "Salon Lyon")
    lyon = ApiClient(client, cli(app, "token", "create", "--role", "till", "--salon", "lyon").strip().splitlines()[-1],
                     cli(app, "token", "create", "--role", "manager", "--name", "Lyon manager", "--salon",
                         "lyon").strip().splitlines()[-1])
    add_item(lyon, "CUT", "Coupe (Lyon)", "50.00")
    cid = helene["client"]["id"]
    lyon_sale = sell(lyon, cid, ("CUT", 1, "50.00"))["sale"]["id"]
    paris_ids = {sale["id"] for sale in export(api, cid).get_json()["sales"]}
    lyon_export = export(lyon, cid).get_json()
    assert [sale["id"] for sale in lyon_export["sales"]] == [lyon_sale]
    assert lyon_sale not in paris_ids and len(paris_ids) == 2
    assert lyon_export["client"]["last_name"] == "Dupré"  # the client is the chain's
