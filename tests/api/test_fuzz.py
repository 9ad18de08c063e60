"""Schemathesis against the app's own OpenAPI document, with a valid admin token.

The document is read from the application itself, so every operation, including
those added later, is fuzzed against the live server: no 5xx, and every response
matches the documented status codes, content types and schemas.
"""

from __future__ import annotations

import contextlib
import json
import re
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis.errors import Flaky
from litestar.serialization import encode_json
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, positive_data_acceptance
from schemathesis.config._checks import (
    NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES,
    NegativeDataRejectionConfig,
)

from registry.app import create_app
from registry.audit.ledger import OPERATOR
from tenants.roles import Role
from tenants.service import grant_role
from tests.api.routes import MENTORING_BODIES, OBJECT_IN_TENANT, VALID_BODY

DOCUMENT = json.loads(encode_json(create_app().openapi_schema.to_schema()))
schema = schemathesis.openapi.from_dict(DOCUMENT)
# Invalid data may also be refused for its size before it is read: a text field far
# over its maxLength makes a body over the route's limit, answered 413 as documented.
schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(
    expected_statuses=[*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"]
)
# Sequences are built from valid calls: an invalid one creates nothing to go on with.
sequences = schemathesis.openapi.from_dict(DOCUMENT)
sequences.config.generation.update(modes=[GenerationMode.POSITIVE])


@pytest.fixture(scope="session")
async def fuzz_world(factory):
    return await factory.tenant("fuzz")


@pytest.fixture(scope="session")
async def all_roles(fuzz_world):
    """The fuzzing tenant's administrator holding every role as well, so that a chain
    of calls is not cut short by a role the next operation needs (403)."""
    for role in Role:
        await grant_role(fuzz_world.tenant, fuzz_world[Role.ADMIN].email, role, actor=OPERATOR)
    return fuzz_world[Role.ADMIN].headers


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms_to_its_schema(case, live_server, fuzz_world):
    if "tenant" in (case.path_parameters or {}):
        # Aim at the fuzzing tenant so that calls reach the handlers, not just the wall.
        case.path_parameters["tenant"] = fuzz_world.slug
    case.call_and_validate(
        base_url=live_server,
        headers=fuzz_world[Role.ADMIN].headers,
        # Schema-valid is not always valid: a well-formed country code may name no
        # country. Such input is answered 400 with the field named, as documented.
        excluded_checks=[positive_data_acceptance],
    )


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: Known valid bodies by (method, OpenAPI path): half of the calls to these routes send
#: one, so that sequences get past creating their first object more often than random
#: input would let them (a random country or party is refused, and the chain ends).
VALID = {
    (method, re.sub(r":\w+\}", "}", path)): body
    for (method, path), body in {**VALID_BODY, **MENTORING_BODIES}.items()
}


CALL_BUDGET = 300


def test_api_survives_stateful_sequences(live_server, fuzz_world, all_roles):
    """Sequences of calls chained by OpenAPI links (schemathesis infers them from the
    responses and path parameters: what a POST creates is read, changed and moved on
    by the operations that take its id). None may answer 5xx."""
    seen: set[str] = set()  # ids the API has answered with: links carry these
    answered: list[tuple[str, int]] = []
    own_token = str(fuzz_world[Role.ADMIN].token_id)

    class Workflow(sequences.as_state_machine()):
        def before_call(self, case):
            params = case.path_parameters or {}
            if "tenant" in params:
                params["tenant"] = fuzz_world.slug
            for name, value in params.items():
                # A made-up id finds nothing (404): start from the tenant's own object.
                # Never the token the sequences run with (revoked, the rest is 401).
                if name in OBJECT_IN_TENANT and (str(value) not in seen or str(value) == own_token):
                    params[name] = OBJECT_IN_TENANT[name](fuzz_world)
            body = VALID.get((case.method.upper(), case.path))
            if body is not None and zlib.crc32(case.id.encode()) % 2:
                case.body = body

        def get_call_kwargs(self, case):
            return {"base_url": live_server, "headers": all_roles}

        def after_call(self, response, case):
            answered.append((f"{case.method.upper()} {case.formatted_path}", response.status_code))
            # Binary answers too (a PDF, a spreadsheet): ids are ASCII wherever they are.
            seen.update(UUID.findall(response.content.decode("latin-1")))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=[not_a_server_error])

    # A replay that takes another path ends a run early: run again, up to
    # a budget of calls, so that a few minutes of the suite cover many sequences.
    for _ in range(5):
        # The server keeps what earlier sequences did (an object withdrawn stays
        # withdrawn), so a replay may take another path (Flaky); schemathesis's own
        # runner takes that as the end of a run, not as a failure. 5xx are counted here.
        with contextlib.suppress(Flaky):
            Workflow.run(
                settings=settings(
                    max_examples=40,
                    stateful_step_count=6,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    database=None,
                )
            )
        if len(answered) >= CALL_BUDGET:
            break
    assert [call for call in answered if call[1] >= 500] == []
    # The sequences reached objects by the ids earlier answers gave.
    assert any(status < 300 and UUID.search(call) for call, status in answered)
