"""Clients at the till: search, referral codes and links, corrections, the history a page at a time."""
from salon_setup import add_item, give_points, new_client, sell, set_program


def test_search_by_name_phone_email_and_code_ignoring_accents(api):
    helene = new_client(api, "Hélène", "Dupré", phone="+33 6 12 34 56 78", email="helene@example.fr")
    new_client(api, "Paul", "Martin", phone="06 98 76 54 32")
    find = lambda q: [c["id"] for c in api.ok("GET", "/clients", query={"q": q})["items"]]  # noqa: E731
    assert find("helene") == [helene["id"]]
    assert find("DUPRE hél") == [helene["id"]]
    assert find("12 34 56") == [helene["id"]]
    assert find("helene@example") == [helene["id"]]
    assert find("HELENE-DUPRE") == [helene["id"]]
    assert find("nobody") == []


def test_referral_codes_are_unique_and_shared_as_a_link(api):
    first = new_client(api, "Marie", "Dupont")
    second = new_client(api, "Marie", "Dupont")
    assert (first["referral_code"], second["referral_code"]) == ("MARIE-DUPONT", "MARIE-DUPONT-2")
    assert second["referral_link"] == "https://salon.example/r/MARIE-DUPONT-2"


def test_forgotten_referral_recorded_later_but_no_loops_or_self(api):
    set_program(api, referrer_bonus=30, welcome_bonus=10)
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    anna = new_client(api, "Anna", "Roy")
    ben = new_client(api, "Ben", "Roy", referred_by="ANNA-ROY")
    cleo = new_client(api, "Cléo", "Roy")

    code, body = api.call("PATCH", f"/clients/{cleo['id']}", {"referred_by": "CLEO-ROY"})
    assert code == 409 and body["error"]["code"] == "referral_loop"
    api.ok("PATCH", f"/clients/{cleo['id']}", {"referred_by": "BEN-ROY"})
    code, body = api.call("PATCH", f"/clients/{anna['id']}", {"referred_by": "CLEO-ROY"})  # Anna→Cléo→Ben→Anna
    assert code == 409 and body["error"]["code"] == "referral_loop"
    assert api.ok("GET", f"/clients/{anna['id']}")["referred_by"] is None

    sell(api, cleo["id"], ("CUT", 1, "40.00"))
    assert api.ok("GET", f"/clients/{ben['id']}/loyalty")["balance"] == 30
    late = new_client(api, "Dan", "Roy")
    sell(api, late["id"], ("CUT", 1, "40.00"))
    code, body = api.call("PATCH", f"/clients/{late['id']}", {"referred_by": "ANNA-ROY"})
    assert code == 409 and body["error"]["code"] == "referral_too_late"


def test_ledger_pages_newest_first(api):
    client = new_client(api, "Léo", "Blanc")
    for points in range(1, 8):
        give_points(api, client["id"], points, reason=f"gesture {points}")
    first = api.ok("GET", f"/clients/{client['id']}/ledger", query={"limit": 3})
    assert [e["points"] for e in first["items"]] == [7, 6, 5]
    second = api.ok("GET", f"/clients/{client['id']}/ledger", query={"limit": 3, "cursor": first["next"]})
    third = api.ok("GET", f"/clients/{client['id']}/ledger", query={"limit": 3, "cursor": second["next"]})
    assert [e["points"] for e in second["items"] + third["items"]] == [4, 3, 2, 1]
    assert third["next"] is None


def test_adjustments_record_who_and_why_and_cannot_overdraw(api):
    client = new_client(api, "Julie", "Faure")
    added = api.ok("POST", f"/clients/{client['id']}/adjustments",
                   {"points": 50, "reason": "Goodwill gesture following incident"}, as_="manager")
    assert added["balance"] == 50
    assert (added["entry"]["kind"], added["entry"]["staff"]) == ("adjust", "Ana (manager)")
    assert added["entry"]["description"] == "Goodwill gesture following incident"
    code, body = api.call("POST", f"/clients/{client['id']}/adjustments", {"points": -60, "reason": "typo"},
                          as_="manager")
    assert code == 409 and body["error"]["code"] == "insufficient_points"
    removed = api.ok("POST", f"/clients/{client['id']}/adjustments", {"points": -20, "reason": "typo"},
                     as_="manager")
    assert removed["balance"] == 30


def test_sale_events_reach_plugins(app_config):
    from conftest import ApiClient, make_tokens
    from pos_loyalty import create_app
    from pos_loyalty.hookspecs import hookimpl

    seen = []

    class Recorder:
        @hookimpl
        def sale_paid(self, event):
            seen.append(("paid", event.sale_id, event.points_earned))

        @hookimpl
        def sale_cancelled(self, event):
            seen.append(("cancelled", event.sale_id, 0))

        @hookimpl
        def sale_refunded(self, event):
            seen.append(("refunded", event.sale_id, event.points_reversed))

        @hookimpl
        def client_created(self, client_id):
            seen.append(("client", client_id, 0))

    app = create_app({**app_config, "PLUGINS": [Recorder()]})
    api = ApiClient(app.test_client(), *make_tokens(app))
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    client = new_client(api, "Eve", "Roux")
    paid = sell(api, client["id"], ("CUT", 1, "40.00"))
    open_sale = sell(api, client["id"], ("CUT", 1, "40.00"), pay=False)
    api.ok("POST", f"/sales/{open_sale['id']}/cancel")
    api.ok("POST", f"/sales/{paid['sale']['id']}/refund", as_="manager")
    assert seen == [("client", client["id"], 0), ("paid", paid["sale"]["id"], 40),
                    ("cancelled", open_sale["id"], 0), ("refunded", paid["sale"]["id"], 40)]
