"""Building blocks for tests: a program, a catalogue and clients made through the API itself."""
from __future__ import annotations


def set_program(api, **fields) -> dict:
    return api.ok("PATCH", "/program", fields, as_="manager")


def add_item(api, code: str, name: str, price: str, kind: str = "service", category: str = "") -> dict:
    return api.ok("POST", "/catalogue", {"code": code, "name": name, "kind": kind, "category": category,
                                         "price": price}, as_="manager")


def add_rule(api, **rule) -> dict:
    return api.ok("POST", "/rules", rule, as_="manager")


def add_reward(api, name: str, points_cost: int, kind: str = "amount_off", value: str = "10.00") -> dict:
    return api.ok("POST", "/rewards", {"name": name, "kind": kind, "value": value, "points_cost": points_cost},
                  as_="manager")


def new_client(api, first: str, last: str, **fields) -> dict:
    return api.ok("POST", "/clients", {"first_name": first, "last_name": last, **fields})


def sell(api, client_id, *lines, discount_code=None, pay=True, method="card") -> dict:
    """Open a sale of (code, quantity, unit_price) lines and, by default, pay it in full."""
    body = {"client_id": client_id, "lines": [{"code": c, "quantity": q, "unit_price": p} for c, q, p in lines]}
    if discount_code:
        body["discount_code"] = discount_code
    sale = api.ok("POST", "/sales", body)
    if not pay:
        return sale
    return api.ok("POST", f"/sales/{sale['id']}/payments", {"amount": sale["due"], "method": method})


def give_points(api, client_id: int, points: int, reason: str = "Opening balance") -> dict:
    return api.ok("POST", f"/clients/{client_id}/adjustments", {"points": points, "reason": reason}, as_="manager")


def balance(api, client_id: int) -> int:
    return api.ok("GET", f"/clients/{client_id}/loyalty")["balance"]
