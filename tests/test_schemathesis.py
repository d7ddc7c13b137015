"""Schemathesis fuzzes the real app from its own OpenAPI document, as a till and as a manager, with all its
checks (not only "no 500": status codes, content types, bodies and headers as documented, schema-valid data
accepted, schema-violating data refused, 405 with Allow, authentication really checked) and both data
generation modes, through its examples, coverage and fuzzing phases. Bounded and deterministic.

One allowance, written down operation by operation below: where a request's validity depends on what is
stored (a referral code, a till, a catalogue item, a cursor the API gave) or on several fields at once (a date
range), a schema-valid request may still be refused with 422. Everything a JSON Schema can say, the document
says, and the answers hold to it.
"""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.config._operations import OperationConfig

from conftest import START, ApiClient, make_tokens
from pos_loyalty import create_app
from pos_loyalty.clock import FrozenClock
from salon_setup import add_item, add_reward, add_rule, give_points, new_client, sell

EXAMPLES = 4
# Only the document is read from this app; the requests go to the fuzzed salon's app below.
DOCUMENT_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True, "SECRET_KEY": "document"})


def load_schema(phases: list[str]):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", DOCUMENT_APP)
    schema.config.phases.update(phases=phases)
    schema.config.generation.update(modes=list(GenerationMode), max_examples=EXAMPLES, deterministic=True,
                                    with_security_parameters=False)
    for label in STATE_DEPENDENT:
        schema.config.operations.operations.append(OperationConfig.from_dict({
            "include-name": label,
            "checks": {"positive_data_acceptance": {"expected-statuses": [
                "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]}}}))
    return schema


STATE_DEPENDENT = {
    "POST /api/v1/clients": "referred_by must be the referral code of an existing client",
    "PATCH /api/v1/clients/{client_id}": "referred_by must be the referral code of an existing client",
    "POST /api/v1/sales": "the till, the client and (with catalogue_only) the line codes must exist; a discount"
                          " at most the total",
    "POST /api/v1/sales/{sale_id}/lines": "with catalogue_only, the code must be in the catalogue",
    "PUT /api/v1/sales/{sale_id}/client": "the client must exist",
    "POST /api/v1/sales/{sale_id}/redemptions": "either reward_id (with grant_id for a granted reward) or a"
                                                " milestone code, never both",
    "POST /api/v1/sales/{sale_id}/payments": "at most what is due (but in cash), more than 0",
    "POST /api/v1/rules": "a date range, a time range, each kind's own bounds",
    "PATCH /api/v1/rules/{rule_id}": "the fields of the rule's own kind, a date range, a time range",
    "POST /api/v1/program/preview": "each rule's date range and time range; one rule per service or category",
    "POST /api/v1/rewards": "a value that fits the kind (percent at most 100, a catalogue item's code)",
    "PATCH /api/v1/rewards/{reward_id}": "a value that fits the kind (percent at most 100, a catalogue item's code)",
    "GET /api/v1/clients/{client_id}/ledger": "the cursor must be one the API gave",
    "GET /api/v1/audit": "the cursor must be one the API gave",
    "GET /api/v1/reports/salons": "from no later than to, within 2000 to 2099",
    "GET /api/v1/reports/ranking": "the cursor must be one the API gave",
    "PATCH /api/v1/tills/{code}": "a printer address the configuration allows (print folder, printer ports)",
}
# The manager's run has every phase; the till's skips the coverage phase (its boundary values and
# undeclared methods do not depend on the role, and it costs the most), to keep the file under 90 s.
AS_MANAGER = load_schema(["examples", "coverage", "fuzzing"])
AS_TILL = load_schema(["examples", "fuzzing"])


def fuzzed_salon(database_pools, role: str):
    """A salon with a catalogue, rules, rewards, clients and sales, so that ids the fuzzer tries exist."""
    pool = database_pools("sqlite")
    url = pool.fresh()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "CLOCK": FrozenClock(START),
                      "PRINT_WORKER": "manual", "PRINT_TIMEOUT": 0.5, "SECRET_KEY": "test",
                      "REFERRAL_LINK": "https://salon.example/r/{code}"})
    with app.app_context():
        from pos_loyalty.services.setup import ensure_salon

        ensure_salon(name="Salon Étoile")
    api = ApiClient(app.test_client(), *make_tokens(app))
    add_item(api, "CUT", "Coupe femme", "40.00", category="cut")
    add_item(api, "SHAMPOO", "Shampooing", "15.00", kind="product", category="retail")
    add_rule(api, kind="service", service_code="CUT", points=10)
    reward = add_reward(api, "10 € off", 100)
    for number in range(3):
        client = new_client(api, "Client", f"N{number}", referred_by=None)
        give_points(api, client["id"], 300)
        sell(api, client["id"], ("CUT", 1, "40.00"))
        open_sale = sell(api, client["id"], ("CUT", 1, "40.00"), pay=False)
        api.ok("POST", f"/sales/{open_sale['id']}/redemptions", {"reward_id": reward["id"]})
    yield app, api.tokens[role]
    with app.app_context():
        from pos_loyalty.extensions import db

        db.engine.dispose()
    pool.drop(url)


@pytest.fixture(scope="module")
def manager_salon(database_pools):
    yield from fuzzed_salon(database_pools, "manager")


@pytest.fixture(scope="module")
def till_salon(database_pools):
    yield from fuzzed_salon(database_pools, "till")


@AS_MANAGER.parametrize()
def test_api_conforms_to_its_document_as_a_manager(case, manager_salon):
    app, token = manager_salon
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"})


@AS_TILL.parametrize()
def test_api_conforms_to_its_document_as_a_till(case, till_salon):
    app, token = till_salon
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"})
