"""A chain's salons stay apart: another salon's sale, till, print job, staff or token is a 404, exactly as if
it did not exist, through the API and the panel, and the database is left as it was. Clients, points,
rewards and the program belong to the whole chain and stay open to every salon."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from conftest import ApiClient, prepared_fixtures
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
    paris_device_id: int = 0
    paris_background_job_id: int = 0  # a recalculation of /manage/history
    paris_mail_id: int = 0  # a failed e-mail of /manage/outbox
    lyon_sale_id: int = 0
    lyon_redemption_id: int = 0
    code_grant_id: int = 0  # a chain object: only named beside a salon object would it be walked here


def created_token(output: str) -> str:
    return output.strip().splitlines()[-1]


def build_chain(app, api, clock) -> tuple[Chain, dict[str, str]]:
    """Both salons set up as an installer would (`salon add`, `token create`, `staff add`), then a day of
    Paris' business: sales open, paid (with its print job) and cancelled, each with lines and a reward.
    Returns the chain without its API clients (each test has its own, see `chain`) and Lyon's tokens."""
    client = api.http
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
        from pos_loyalty.models import BackgroundJob
        from pos_loyalty.runtime import runtime

        job = BackgroundJob(salon_id=paris_id, kind="recalculate", status="done", parameters={"period": "3m"},
                            result={"sales": 0}, created_by="Paris", created_at=runtime().now())
        db.session.add(job)
        from pos_loyalty.models import OutboxMail

        mail = OutboxMail(salon_id=paris_id, client_id=chain.client_id, kind="points_expiring", dedupe_key="paris",
                          to_address="client@example.com", subject="s", text_body="t", html_body="h",
                          status="failed", attempts=6, last_error="down", created_at=runtime().now())
        db.session.add(mail)
        db.session.commit()
        chain.paris_background_job_id = job.id
        chain.paris_mail_id = mail.id
    chain.paris = chain.lyon = None
    return chain, lyon.tokens


# Made once per module and backend; each test has a copy of its database (conftest.Prepared).
prepared, database_url, clock, api, chain_parts = prepared_fixtures(build_chain, "chain_parts")


@pytest.fixture
def chain(chain_parts, api, client) -> Chain:
    chain, lyon_tokens = chain_parts
    chain.paris, chain.lyon = api, ApiClient(client, lyon_tokens["till"], lyon_tokens["manager"])
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


# The generated walk: every route of the URL map and every operation of the OpenAPI document, with every
# path parameter that names a salon's object filled with the first salon's, called by the second salon.

@dataclass(frozen=True)
class SalonObject:
    """How a URL names one kind of salon-owned object: Paris' ones (attacked), Lyon's own one (to mix with
    Paris' in a URL of two parameters), and a value that names nothing (its answer must be the same)."""

    paris: object  # Chain -> list of values
    lyon: object = None  # Chain -> value, or None
    missing: object = None
    beside_the_sale: bool = False  # a line position names something only with the sale it belongs to


# Keyed by (the URL segment before the parameter, its name). A route whose parameter is in none of these
# tables fails the walk: say here whose object it names before adding the route.
SALON_OBJECTS = {
    ("sales", "sale_id"): SalonObject(lambda c: sorted(c.paris_sales.values()), lambda c: c.lyon_sale_id, 987654321),
    ("redemptions", "redemption_id"): SalonObject(lambda c: sorted(c.paris_redemptions.values()),
                                                  lambda c: c.lyon_redemption_id, 987654322),
    ("lines", "position"): SalonObject(lambda c: [0, 1], beside_the_sale=True),
    ("tills", "code"): SalonObject(lambda c: ["till-2"], lambda c: "till-1", "no-such-till"),
    ("catalogue", "item_id"): SalonObject(lambda c: [c.paris_item_id], None, 987654323),
    ("print-jobs", "job_id"): SalonObject(lambda c: [c.paris_job_id], None, 987654324),
    ("devices", "device_id"): SalonObject(lambda c: [c.paris_device_id], None, 987654325),
    ("staff", "staff_id"): SalonObject(lambda c: [c.staff["paris_cashier"], c.staff["paris_manager"]], None,
                                       987654326),
    ("tokens", "token_id"): SalonObject(lambda c: c.paris_token_ids, None, 987654327),
    ("jobs", "job_id"): SalonObject(lambda c: [c.paris_background_job_id], None, 987654328),
    ("outbox", "mail_id"): SalonObject(lambda c: [c.paris_mail_id], None, 987654329),
}
CHAIN_OBJECTS = {  # the whole chain's: any salon reaches them
    ("clients", "client_id"): lambda c: c.client_id,
    ("rewards", "reward_id"): lambda c: c.reward_id,
    ("rules", "rule_id"): lambda c: c.rule_id,
    # A milestone code is its client's: she uses it in any salon of the chain, where its void is a manager's.
    ("codes", "grant_id"): lambda c: c.code_grant_id,
    ("codes", "code"): lambda c: "ABCDEF",
}
# A display pairing link's secret names a till only to whoever holds it (a 404 when unknown or replaced).
# A category code is read in the acting salon's own catalogue (the same code elsewhere is another salon's
# category, which it cannot reach); a rule kind is a kind, not an object.
# A client card's token names a client of the chain only to whoever holds it (a 404 when unknown or revoked),
# and /r/<code> only leads to the sign-up page with the chain's referral code. A mail's signed unsubscribe
# token names its client only to whoever holds the mail.
NOT_OBJECTS = {("static", "filename"), ("pair", "secret"), ("categories", "code"), ("new", "kind"),
               ("card", "token"), ("r", "code"), ("unsubscribe", "token")}

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
URL_MAP_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
TEMPLATE_PARAMETER = re.compile(r"\{([^{}]+)\}")


def every_route(app, http) -> tuple[dict[tuple[str, str], dict | None], dict]:
    """(method, template) -> its OpenAPI operation (None for a panel page), from the URL map and the
    OpenAPI document both: a route documented but not served, or served but not documented, is walked."""
    document = http.get("/api/v1/openapi.json").get_json()
    routes: dict[tuple[str, str], dict | None] = {}
    for rule in app.url_map.iter_rules():
        template = URL_MAP_PARAMETER.sub(r"{\1}", rule.rule)
        for method in rule.methods:
            routes.setdefault((method, template), None)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method.upper() in HTTP_METHODS:
                routes[(method.upper(), path)] = {**operation, "path_parameters": item.get("parameters", [])}
    return routes, document


def parameter_keys(template: str) -> list[tuple[str, str]]:
    return [(template[:found.start()].rstrip("/").rsplit("/", 1)[-1], found.group(1))
            for found in TEMPLATE_PARAMETER.finditer(template)]


def unclassified(template: str) -> list[tuple[str, str]]:
    return [key for key in parameter_keys(template)
            if key not in SALON_OBJECTS and key not in CHAIN_OBJECTS and key not in NOT_OBJECTS]


def names_a_salon_object(template: str) -> bool:
    return any(key in SALON_OBJECTS for key in parameter_keys(template))


@dataclass(frozen=True)
class Filling:
    """The route's parameters filled in: the values, and the same with Paris' objects replaced by missing ones."""

    values: dict[str, object]
    missing: dict[str, object]

    def url(self, template: str, values: dict | None = None) -> str:
        values = self.values if values is None else values
        return TEMPLATE_PARAMETER.sub(lambda found: str(values[found.group(1)]), template)

    def as_if_missing(self, message: str) -> str:
        """A message of the missing twin, with the ids it names put back to Paris' ones."""
        for name, missing in self.missing.items():
            if missing != self.values[name]:
                message = message.replace(str(missing), str(self.values[name]))
        return message


def fillings(template: str, chain: Chain) -> list[Filling]:
    """Every way to fill the route with at least one of Paris' objects, the other parameters Lyon's own."""
    from itertools import product

    choices = []
    for section, name in parameter_keys(template):
        if (section, name) in CHAIN_OBJECTS:
            value = CHAIN_OBJECTS[(section, name)](chain)
            choices.append([(name, value, value, False)])
            continue
        kind = SALON_OBJECTS[(section, name)]
        if kind.beside_the_sale:
            choices.append([(name, value, value, False) for value in kind.paris(chain)])
            continue
        options = [(name, value, kind.missing, True) for value in kind.paris(chain)]
        assert options, f"no object of Paris to name for {section}/{{{name}}}: create one in the chain fixture"
        if kind.lyon is not None:
            options.append((name, kind.lyon(chain), kind.lyon(chain), False))
        choices.append(options)
    return [Filling({name: value for name, value, _, _ in combination},
                    {name: missing for name, _, missing, _ in combination})
            for combination in product(*choices) if any(foreign for *_, foreign in combination)]


def own_filling(template: str, chain: Chain) -> Filling | None:
    """The route filled with Lyon's own objects only, when Lyon has one of each kind."""
    values = {}
    for section, name in parameter_keys(template):
        if (section, name) in CHAIN_OBJECTS:
            values[name] = CHAIN_OBJECTS[(section, name)](chain)
        elif (section, name) in SALON_OBJECTS and SALON_OBJECTS[(section, name)].lyon is not None:
            values[name] = SALON_OBJECTS[(section, name)].lyon(chain)
        elif (section, name) == ("lines", "position"):
            values[name] = 0
        else:
            return None
    return Filling(values, values)


def example_of(schema: dict, document: dict, name: str, chain: Chain):
    """A plausible value for a field of the OpenAPI document: a valid request must reach the salon check."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    known = {"client_id": chain.client_id, "reward_id": chain.reward_id, "code": "CUT", "quantity": 1,
             "amount": "10.00", "method": "card", "printer_url": "tcp://127.0.0.1:9100", "format": "text"}
    if name in known:
        return known[name]
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        fields = {field: spec for field, spec in schema.get("properties", {}).items() if not spec.get("readOnly")}
        wanted = [field for field in schema.get("required", []) if field in fields] or list(fields)[:1]
        return {field: example_of(fields[field], document, field, chain) for field in wanted}
    if kind == "array":
        return [example_of(schema.get("items", {}), document, name, chain)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    return {"date": "2026-11-22", "date-time": "2026-11-22T10:15:00+01:00"}.get(schema.get("format"), "Walk")


def request_of(operation: dict | None, document: dict, chain: Chain) -> tuple[dict | None, dict]:
    """The JSON body and query string of a plausible call (the panel's are its forms, see walk_panel)."""
    if operation is None:
        return None, {}
    body = None
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = example_of(content["application/json"]["schema"], document, "", chain)
    query = {parameter["name"]: example_of(parameter["schema"], document, parameter["name"], chain)
             for parameter in operation.get("parameters", []) if parameter["in"] == "query" and parameter.get("required")}
    return body, query


@pytest.fixture
def walkers(app, chain):
    """Lyon's three ways in: its till token, its manager token, and a cashier's and a manager's panel
    sessions on Lyon's till-1, whose screen shows Lyon's own open sale (with its reward held)."""
    lyon_till = till_browser(app, chain.staff["lyon_manager"], PINS["lyon_manager"])
    cashier_csrf = panel_login(lyon_till, chain.staff["lyon_cashier"], PINS["lyon_cashier"])
    lyon_office = till_browser(app, chain.staff["lyon_manager"], PINS["lyon_manager"])
    manager_csrf = panel_login(lyon_office, chain.staff["lyon_manager"], PINS["lyon_manager"])
    till_browser(app, chain.staff["paris_manager"], PINS["paris_manager"], till="till-2")  # Paris binds a device
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Salon, Till, TillDevice
        from pos_loyalty.services.actor import Actor
        from pos_loyalty.services.till_screen import show

        lyon = db.session.scalars(select(Salon).where(Salon.code == "lyon")).one()
        till = db.session.scalars(select(Till).where(Till.salon_id == lyon.id, Till.code == "till-1")).one()
        show(Actor("Lyon Cashier", "till", lyon.id, till.id), sale_id=chain.lyon_sale_id, client_id=chain.client_id)
        chain.paris_device_id = db.session.scalars(select(TillDevice.id).where(TillDevice.salon_id != lyon.id)
                                                   .order_by(TillDevice.id.desc())).first()
    return {"till token": ("api", "till"), "manager token": ("api", "manager"),
            "cashier session": ("panel", (lyon_till, cashier_csrf)),
            "manager session": ("panel", (lyon_office, manager_csrf))}


def call(chain: Chain, walker, method: str, url: str, body, query):
    """(status, JSON body or None, mimetype) of one call by one of Lyon's ways in."""
    way, who = walker
    if way == "api":
        headers = {"Authorization": f"Bearer {chain.lyon.tokens[who]}"}
        if method in ("POST", "PUT", "PATCH", "DELETE"):  # a refusal keeps no answer to replay either
            headers["Idempotency-Key"] = f"walk-{uuid.uuid4()}"
        response = chain.lyon.http.open(url, method=method, json=body, headers=headers, query_string=query)
    else:
        browser, csrf = who
        form = {"csrf_token": csrf, "amount": "10,00", "method": "card", "code": "CUT", "quantity": "1",
                "client_id": str(chain.client_id), "reward_id": str(chain.reward_id), "till": "till-1"}
        data = form if method in ("POST", "PUT", "PATCH", "DELETE") else None
        response = browser.open(url, method=method, data=data)
    return response.status_code, response.get_json(silent=True), response.mimetype


def test_every_route_naming_another_salons_object_is_a_404_that_changes_nothing(app, client, chain, walkers):
    routes, document = every_route(app, client)
    forgotten = {template: unclassified(template) for _, template in routes if unclassified(template)}
    assert not forgotten, f"say whose object these parameters name (SALON_OBJECTS or CHAIN_OBJECTS): {forgotten}"
    walked, reached = set(), set()
    before = database_rows(app)
    for (method, template), operation in sorted(routes.items(), key=lambda route: (route[0][1], route[0][0])):
        if not names_a_salon_object(template):
            continue
        body, query = request_of(operation, document, chain)
        for filling in fillings(template, chain):
            for who, walker in walkers.items():
                if (walker[0] == "api") != template.startswith("/api/"):
                    continue
                status, answer, mimetype = call(chain, walker, method, filling.url(template), body, query)
                twin_status, twin, _ = call(chain, walker, method, filling.url(template, filling.missing), body, query)
                assert database_rows(app) == before, f"{who} {method} {filling.url(template)} (or its twin naming" \
                                                     f" {filling.url(template, filling.missing)}) changed the database"
                where = f"{who}: {method} {filling.url(template)} answered {status} {answer}"
                walked.add((method, template))
                if method == "OPTIONS":  # answered by the framework alone, the same whatever the ids
                    assert (status, answer) == (twin_status, twin), where
                    continue
                if status == 403 and twin_status == 403:
                    continue  # refused by role before any object is looked up: nothing is revealed
                assert status == 404 and twin_status == 404, where
                reached.add((method, template))
                if method == "HEAD":
                    continue  # no body: the status is the answer
                if walker[0] == "api":
                    assert set(answer["error"]) == {"code", "message", "details"}, where
                    assert answer["error"] == {**twin["error"], "message": filling.as_if_missing(
                        twin["error"]["message"])}, f"{where}, unlike a missing id: {twin}"
                else:
                    assert mimetype == "text/html", where
    salon_routes = {route for route in routes if names_a_salon_object(route[1]) and route[0] != "OPTIONS"}
    beside_a_sale_only = {route for route in salon_routes if not fillings(route[1], chain)}
    # A panel line position names a line of the till's own sale: no URL can name another salon's there.
    assert beside_a_sale_only == {("POST", "/panel/lines/{position}/remove")}
    assert reached == salon_routes - beside_a_sale_only, "each route must get past the role check once"
    assert {("GET", "/api/v1/sales/{sale_id}"), ("POST", "/api/v1/sales/{sale_id}/refund"),
            ("PATCH", "/api/v1/tills/{code}"), ("GET", "/panel/sales/{sale_id}/receipt.png")} <= walked


def test_lyon_reaches_its_own_objects_and_the_chains(app, client, chain, walkers):
    """The same walk's positive side: Lyon's own objects and the chain's (clients, rewards, rules, the
    program) answer Lyon, so the 404s above come from the salon check and nothing else."""
    routes, document = every_route(app, client)
    answered = {}
    for (method, template), operation in sorted(routes.items()):
        keys = parameter_keys(template)
        if method != "GET" or not keys or any(key in NOT_OBJECTS for key in keys):
            continue
        filling = own_filling(template, chain)
        if filling is None:
            continue
        body, query = request_of(operation, document, chain)
        for who in ("manager token", "cashier session", "manager session"):
            walker = walkers[who]
            if (walker[0] == "api") != template.startswith("/api/"):
                continue
            if who == "cashier session" and template.startswith("/manage/"):
                continue  # the back office is the manager's (test_manager_access walks the cashier's 403s)
            if who == "manager session" and not template.startswith("/manage/"):
                continue
            status, answer, _ = call(chain, walker, method, filling.url(template), body, query)
            assert status == 200, f"{who}: GET {filling.url(template)} answered {status} {answer}"
            answered[template] = status
    assert {"/api/v1/clients/{client_id}", "/api/v1/rewards/{reward_id}", "/api/v1/rules/{rule_id}",
            "/api/v1/sales/{sale_id}", "/panel/clients/{client_id}", "/panel/sales/{sale_id}/done",
            "/manage/clients/{client_id}"} <= set(answered)
    assert chain.lyon.ok("GET", "/program")["currency"] == "EUR"
    adjusted = chain.lyon.ok("POST", f"/clients/{chain.client_id}/adjustments", {"points": 5, "reason": "Walk"},
                             as_="manager")
    assert adjusted["balance"] == chain.lyon.ok("GET", f"/clients/{chain.client_id}/loyalty")["balance"]


def test_ledger_rows_carry_the_salon_of_their_sale(app, chain, clock):
    """Earned, redeemed and refunded points are the sale's salon's (its figures); an adjustment is the
    acting manager's salon's; an expiry belongs to no salon (the points are the chain's)."""
    from datetime import timedelta

    lyon_sale = chain.lyon_sale_id
    chain.lyon.ok("POST", f"/sales/{lyon_sale}/payments", {"amount": "55.00", "method": "card"})
    chain.lyon.ok("POST", f"/sales/{lyon_sale}/refund", as_="manager")
    clock.set(clock() + timedelta(days=800))  # the points of the first day expire
    chain.lyon.ok("GET", f"/clients/{chain.client_id}/loyalty", as_="manager")
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import LedgerEntry, Sale, Salon

        salon_of = dict(db.session.execute(select(Salon.id, Salon.code)).all())
        sale_salon = {sale_id: salon_of[salon_id] for sale_id, salon_id in db.session.execute(
            select(Sale.id, Sale.salon_id)).all()}
        entries = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
        kinds = {(entry.kind, salon_of.get(entry.salon_id), sale_salon.get(entry.sale_id)) for entry in entries}
    assert {("earn", "lyon", "lyon"), ("redeem", "lyon", "lyon"), ("refund", "lyon", "lyon"),
            ("earn", "main", "main"), ("redeem", "main", "main"), ("adjust", "main", None),
            ("expire", None, None)} <= kinds
    assert all(salon == sale for _, salon, sale in kinds if sale is not None), kinds


def test_an_actor_at_another_salons_till_is_refused(app, chain):
    """A session or token always belongs to its salon's till (login and `token create` see to it); should
    one ever name another salon's till, the services refuse it as a till that does not exist."""
    from pos_loyalty.core.errors import NotFound
    from pos_loyalty.services import sales
    from pos_loyalty.services.actor import Actor
    from pos_loyalty.services.till_screen import screen_of, show

    before = database_rows(app)
    with app.app_context():
        from pos_loyalty.extensions import db
        from pos_loyalty.models import Salon, Till

        lyon = db.session.scalars(select(Salon.id).where(Salon.code == "lyon")).one()
        paris_till = db.session.scalars(select(Till.id).where(Till.salon_id != lyon, Till.code == "till-1")).one()
        astray = Actor("Lyon cashier", "till", lyon, till_id=paris_till)
        for attempt in (lambda: sales.create_sale(astray, {"lines": [{"code": "CUT", "quantity": 1}]}),
                        lambda: screen_of(astray), lambda: show(astray, sale_id=None, client_id=chain.client_id)):
            with pytest.raises(NotFound) as refused:
                attempt()
            assert refused.value.code == "till_not_found"
        db.session.remove()
    assert database_rows(app) == before
