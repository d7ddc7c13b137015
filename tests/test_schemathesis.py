"""Fuzzing the API from its own OpenAPI document, as a till and as a manager: never a 500, and every
answer (status, content type, body) conforms to the document."""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from conftest import make_tokens
from salon_setup import add_item, add_reward, add_rule, give_points, new_client, sell

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 40 if os.environ.get("CI") == "true" else 12


@pytest.fixture
def fuzzed(app, api):
    """A salon with a catalogue, rules, rewards, clients and sales, so that ids the fuzzer tries exist."""
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
    return app


def fuzz_every_operation(app, role: str) -> list[str]:
    """Each operation of the document, fuzzed with its own strategy; returns the failures found."""
    tokens = dict(zip(("till", "manager"), make_tokens(app)))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        def fuzz(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)

        try:
            fuzz()
        except Exception as failure:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(failure)[:1500]}")
    return failures


@pytest.mark.sqlite_only
@pytest.mark.parametrize("role", ["till", "manager"])
def test_api_conforms_to_its_document(fuzzed, role):
    failures = fuzz_every_operation(fuzzed, role)
    assert not failures, "\n\n".join(failures)
