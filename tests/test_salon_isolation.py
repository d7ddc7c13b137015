"""A chain's salons stay apart: another salon's sale, till, print job, staff or token is a 404, exactly as if
it did not exist, through the API and the panel, and the database is left as it was. Clients, points,
rewards and the program belong to the whole chain and stay open to every salon."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from conftest import ApiClient
from salon_setup import add_item, add_reward, give_points, new_client

PINS = {"paris_cashier": "1111", "paris_manager": "4444", "lyon_cashier": "2222", "lyon_manager": "3333"}


def cli(app, *args: str) -> str:
    """Run a `pos-loyalty` command in the app (Click's runner); its output."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@dataclass
class Chain:
    """Two salons: Paris ("main", salon A) owns the objects under attack; Lyon (salon B) attacks them."""

    paris: ApiClient
    lyon: ApiClient
    client_id: int
    reward_id: int
    rule_id: int
    staff: dict[str, int] = field(default_factory=dict)
    paris_sales: dict[str, int] = field(default_factory=dict)  # open, paid, cancelled
    paris_redemptions: dict[str, int] = field(default_factory=dict)  # held (open sale), deducted (paid sale)
    paris_job_id: int = 0
    paris_token_ids: list[int] = field(default_factory=list)
    paris_item_id: int = 0
    lyon_sale_id: int = 0
    lyon_redemption_id: int = 0


def created_token(output: str) -> str:
    return output.strip().splitlines()[-1]


@pytest.fixture
def chain(app, api, client) -> Chain:
    """Both salons set up as an installer would (`salon add`, `token create`, `staff add`), then a day of
    Paris' business: sales open, paid (with its print job) and cancelled, each with lines and a reward."""
    cli(app, "salon", "add", "--code", "lyon", "--name", "Salon Étoile Lyon")
    lyon = ApiClient(client, created_token(cli(app, "token", "create", "--role", "till", "--salon", "lyon")),
                     created_token(cli(app, "token", "create", "--role", "manager", "--name", "Lyon manager",
                                       "--salon", "lyon")))
    cli(app, "token", "create", "--role", "till", "--till", "till-2", "--name", "Paris till 2")  # a till only Paris has
    staff = {}
    for key, role, salon in (("paris_cashier", "cashier", None), ("paris_manager", "manager", None),
                             ("lyon_cashier", "cashier", "lyon"), ("lyon_manager", "manager", "lyon")):
        salon_args = ["--salon", salon] if salon else []
        added = cli(app, "staff", "add", "--name", key.replace("_", " ").title(), "--role", role,
                    "--pin", PINS[key], *salon_args)
        staff[key] = int(re.search(r"\(id (\d+)\)", added).group(1))

    paris_item = add_item(api, "CUT", "Coupe femme", "60.00", category="cut")
    add_item(api, "BRUSH", "Brushing", "30.00", category="cut")
    add_item(lyon, "CUT", "Coupe femme (Lyon)", "65.00", category="cut")
    reward = add_reward(api, "10 € off", 100)
    rule = api.ok("POST", "/rules", {"kind": "service", "service_code": "CUT", "points": 5}, as_="manager")
    hélène = new_client(api, "Hélène", "Dupré")
    give_points(api, hélène["id"], 1000)
    api.ok("PATCH", "/tills/till-1", {"printer_url": "tcp://127.0.0.1:9100"}, as_="manager")

    def paris_sale(redeem: bool = True) -> tuple[int, int | None]:
        sale = api.ok("POST", "/sales", {"client_id": hélène["id"], "lines": [{"code": "CUT", "quantity": 1},
                                                                             {"code": "BRUSH", "quantity": 1}]})
        if not redeem:
            return sale["id"], None
        held = api.ok("POST", f"/sales/{sale['id']}/redemptions", {"reward_id": reward["id"]})
        return sale["id"], held["redemptions"][0]["id"]

    chain = Chain(paris=api, lyon=lyon, client_id=hélène["id"], reward_id=reward["id"], rule_id=rule["id"],
                  staff=staff, paris_item_id=paris_item["id"])
    chain.paris_sales["paid"], chain.paris_redemptions["deducted"] = paris_sale()
    api.ok("POST", f"/sales/{chain.paris_sales['paid']}/payments", {"amount": "80.00", "method": "card"})
    chain.paris_job_id = api.ok("POST", f"/sales/{chain.paris_sales['paid']}/print")["id"]
    chain.paris_sales["cancelled"], _ = paris_sale(redeem=False)
    api.ok("POST", f"/sales/{chain.paris_sales['cancelled']}/cancel")
    chain.paris_sales["open"], chain.paris_redemptions["held"] = paris_sale()

    lyon_sale = lyon.ok("POST", "/sales", {"client_id": hélène["id"], "lines": [{"code": "CUT", "quantity": 1}]})
    chain.lyon_sale_id = lyon_sale["id"]
    chain.lyon_redemption_id = lyon.ok("POST", f"/sales/{lyon_sale['id']}/redemptions",
                                       {"reward_id": reward["id"]})["redemptions"][0]["id"]
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import ApiToken, Salon

        paris_id = db.session.scalars(select(Salon.id).where(Salon.code == "main")).one()
        chain.paris_token_ids = list(db.session.scalars(select(ApiToken.id).where(ApiToken.salon_id == paris_id)))
    return chain


def database_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table, to prove that a refused call changed nothing. Panel sessions are left out:
    signing in and being seen are the session's own bookkeeping, not the salon's data."""
    with app.app_context():
        from pos_loyalty.extensions import db

        rows = {}
        for table in db.metadata.sorted_tables:
            if table.name in ("panel_sessions",):
                continue
            order = [column for column in table.primary_key.columns] or list(table.columns)
            rows[table.name] = [tuple(row) for row in db.session.execute(select(table).order_by(*order))]
        db.session.remove()
        return rows


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def sign_in(browser, staff_id: int, pin: str) -> None:
    """Post the login form, as a browser (or someone with curl) would."""
    token = csrf_of(browser.get("/login"))
    answer = browser.post("/login", data={"csrf_token": token, "staff_id": str(staff_id), "pin": pin,
                                          "till": "till-1"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]


def till_browser(app, manager_id: int, manager_pin: str, till: str = "till-1"):
    """A browser that a manager of the salon bound to one of its tills (in a chain, an unbound browser lets
    only managers in, to bind it)."""
    browser = app.test_client()
    sign_in(browser, manager_id, manager_pin)
    answer = browser.post("/devices/bind", data={"csrf_token": csrf_of(browser.get("/devices/")), "till": till})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    browser.post("/logout", data={"csrf_token": csrf_of(browser.get("/"))})
    return browser


def panel_login(browser, staff_id: int, pin: str) -> str:
    """A cashier signs in on a till browser; the CSRF token of the session (every form carries it)."""
    sign_in(browser, staff_id, pin)
    page = browser.get("/")
    assert page.status_code == 200, "the cashier's own checkout opens"
    return csrf_of(page)


def assert_not_found(code: int, body: dict | None, error_code: str) -> None:
    assert code == 404, (code, body)
    assert body["error"]["code"] == error_code, body
    assert set(body["error"]) == {"code", "message", "details"}


# What the issue saw: a second salon's till token read, changed, paid and cancelled the first salon's sale,
# and its manager refunded it.

def test_another_salons_till_token_cannot_read_or_change_a_sale(app, chain):
    open_sale, paid_sale = chain.paris_sales["open"], chain.paris_sales["paid"]
    before = database_rows(app)
    code, body = chain.lyon.call("GET", f"/sales/{open_sale}")
    assert_not_found(code, body, "sale_not_found")
    missing = chain.paris.call("GET", "/sales/999999")[1]
    assert body["error"]["message"] == missing["error"]["message"].replace("999999", str(open_sale))
    for method, path, payload in (
            ("POST", f"/sales/{open_sale}/lines", {"code": "CUT", "quantity": 1}),
            ("DELETE", f"/sales/{open_sale}/lines/1", None),
            ("PUT", f"/sales/{open_sale}/client", {"client_id": None}),
            ("POST", f"/sales/{open_sale}/redemptions", {"reward_id": chain.reward_id}),
            ("DELETE", f"/sales/{open_sale}/redemptions/{chain.paris_redemptions['held']}", None),
            ("POST", f"/sales/{open_sale}/payments", {"amount": "80.00", "method": "card"}),
            ("POST", f"/sales/{open_sale}/cancel", None),
            ("GET", f"/sales/{paid_sale}/receipt", None),
            ("POST", f"/sales/{paid_sale}/print", None),
            ("GET", f"/sales/{paid_sale}/print-jobs", None)):
        assert_not_found(*chain.lyon.call(method, path, payload), "sale_not_found")
    assert database_rows(app) == before


def test_another_salons_manager_cannot_refund_a_sale(app, chain):
    before = database_rows(app)
    assert_not_found(*chain.lyon.call("POST", f"/sales/{chain.paris_sales['paid']}/refund", as_="manager"),
                     "sale_not_found")
    assert database_rows(app) == before
    refunded = chain.paris.ok("POST", f"/sales/{chain.paris_sales['paid']}/refund", as_="manager")
    assert refunded["sale"]["status"] == "refunded"  # its own manager still can


def test_a_till_token_cannot_sell_at_another_salons_till(app, chain):
    before = database_rows(app)
    code, body = chain.lyon.call("POST", "/sales", {"till": "till-2", "lines": [{"code": "CUT", "quantity": 1}]})
    assert code == 422 and body["error"]["code"] == "unknown_till"
    assert_not_found(*chain.lyon.call("PATCH", "/tills/till-2", {"printer_width": 32}, as_="manager"),
                     "till_not_found")
    assert [till["code"] for till in chain.lyon.ok("GET", "/tills", as_="manager")] == ["till-1"]
    assert database_rows(app) == before


def test_each_salons_figures_are_its_own(chain):
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    chain.lyon.ok("POST", f"/sales/{chain.lyon_sale_id}/payments", {"amount": "55.00", "method": "card"})
    paris = chain.paris.ok("GET", "/reports/salons", query=period, as_="manager")
    lyon = chain.lyon.ok("GET", "/reports/salons", query=period, as_="manager")
    assert [row["salon"] for row in paris] == ["main"] and [row["salon"] for row in lyon] == ["lyon"]
    assert (paris[0]["sales_paid"], paris[0]["points_redeemed"]) == (1, 100)
    assert (lyon[0]["sales_paid"], lyon[0]["points_redeemed"]) == (1, 100)


def test_another_salons_cashier_cannot_open_a_sales_pages_on_the_panel(app, chain):
    browser = till_browser(app, chain.staff["lyon_manager"], PINS["lyon_manager"])
    csrf = panel_login(browser, chain.staff["lyon_cashier"], PINS["lyon_cashier"])
    paid = chain.paris_sales["paid"]
    before = database_rows(app)
    for path in (f"/panel/sales/{paid}/done", f"/panel/sales/{paid}/receipt.png"):
        answer = browser.get(path)
        assert answer.status_code == 404 and answer.mimetype == "text/html", (path, answer.status_code)
    answer = browser.post(f"/panel/sales/{paid}/print", data={"csrf_token": csrf})
    assert answer.status_code == 404
    answer = browser.post(f"/panel/redemptions/{chain.paris_redemptions['held']}/remove", data={"csrf_token": csrf})
    assert answer.status_code == 404
    assert database_rows(app) == before
    own = till_browser(app, chain.staff["paris_manager"], PINS["paris_manager"])
    panel_login(own, chain.staff["paris_cashier"], PINS["paris_cashier"])
    assert own.get(f"/panel/sales/{paid}/done").status_code == 200  # Paris' own cashier opens it
