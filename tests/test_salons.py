"""A chain: salons share clients and points; each has its tills, catalogue and staff; figures per salon."""
import pytest

from conftest import ApiClient
from salon_setup import add_item, add_reward, new_client


@pytest.fixture
def second_salon(app, client):
    with app.app_context():
        from pos_loyalty.services.setup import add_salon
        from pos_loyalty.services.staff import create_token

        add_salon("lyon", "Salon Étoile Lyon", timezone="Europe/Paris", locale="fr_FR")
        till = create_token("till", "lyon-till", "till-1", salon_code="lyon")[1]
        manager = create_token("manager", "lyon-manager", salon_code="lyon")[1]
    return ApiClient(client, till, manager)


def test_client_earns_in_one_salon_and_redeems_in_another(api, second_salon):
    paris, lyon = api, second_salon
    add_item(paris, "CUT", "Coupe femme", "60.00", category="cut")
    add_item(lyon, "CUT-LYON", "Coupe femme (Lyon)", "65.00", category="cut")
    reward = add_reward(paris, "10 € off", 100)
    client = new_client(paris, "Hélène", "Dupré")

    sale = paris.ok("POST", "/sales", {"client_id": client["id"], "lines": [{"code": "CUT", "quantity": 2}]})
    paris.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "120.00", "method": "card"})

    code, body = lyon.call("POST", "/sales", {"client_id": client["id"], "lines": [{"code": "CUT", "quantity": 1}]})
    assert code == 422  # Lyon's catalogue is its own
    sale = lyon.ok("POST", "/sales", {"client_id": client["id"], "lines": [{"code": "CUT-LYON", "quantity": 1}]})
    assert sale["till"] == "till-1" and sale["quote"]["balance_after"] == 120 + 65
    lyon.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
    paid = lyon.ok("POST", f"/sales/{sale['id']}/payments", {"amount": "55.00", "method": "card"})
    assert paid["balance"] == 120 - 100 + 55

    period = {"from": "2026-11-01", "to": "2026-11-30"}
    figures = {row["salon"]: row for salon in (paris, lyon)  # each manager sees their own salon's figures
               for row in salon.ok("GET", "/reports/salons", query=period, as_="manager")}
    assert (figures["main"]["points_earned"], figures["main"]["points_redeemed"]) == (120, 0)
    assert (figures["lyon"]["points_earned"], figures["lyon"]["points_redeemed"]) == (55, 100)
    assert (figures["main"]["sales_paid"], figures["lyon"]["sales_paid"], figures["main"]["new_clients"]) == (1, 1, 1)
    code, _ = paris.call("GET", "/reports/salons", query={"from": "2026-11-01", "to": "2026-11-30"})
    assert code == 403


def test_salon_codes_and_settings_are_checked(app):
    from pos_loyalty.core.errors import DomainError
    from pos_loyalty.services.setup import add_salon

    with app.app_context():
        for args in [("Bad Code", "x"), ("nice", "Nice", "Mars/Olympus"), ("nice", "Nice", "Europe/Paris", "xx_YY"),
                     ("main", "Again")]:
            with pytest.raises(DomainError):
                add_salon(*args)
