"""What no request can do: nest JSON deep enough to crash the decoder, send a body
larger than its route takes, or make a browser guess a response's type; and the API's
documentation page loads nothing from another site."""

from __future__ import annotations

import re

from tenants.roles import Role

NESTED = b"[" * 1000 + b"]" * 1000  # 2 kB


def _tracebacks(run_dir) -> int:
    return (run_dir / "server.log").read_text().count("Traceback")


async def test_deeply_nested_sign_in_is_refused_without_a_traceback(api, run_dir):
    before = _tracebacks(run_dir)
    response = await api.post(
        "/auth/sign-in", content=NESTED, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400
    assert problem["errors"] == [
        {"field": "body", "message": "JSON nested more than 64 levels deep"}
    ]
    assert _tracebacks(run_dir) == before


async def test_deeply_nested_body_to_an_authenticated_route_is_refused(api, factory, run_dir):
    world = await factory.tenant("deep", rooms=False)
    before = _tracebacks(run_dir)
    nested_object = b'{"a":' * 1000 + b"1" + b"}" * 1000
    for body in (NESTED, nested_object):
        response = await api.post(
            f"/api/v1/t/{world.slug}/members",
            content=body,
            headers={**world[Role.ADMIN].headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 400, response.text
        assert "nested more than 64 levels" in response.json()["detail"]
    # Brackets inside strings are text, not nesting: this one is judged on its fields.
    shallow = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": "x@example.org", "role": "member", "name": "[" * 1000},
        headers=world[Role.ADMIN].headers,
    )
    assert shallow.status_code == 400
    assert "nested" not in shallow.text
    assert _tracebacks(run_dir) == before


async def test_malformed_json_is_a_400_naming_the_body(api, factory):
    world = await factory.tenant("bad", rooms=False)
    response = await api.post(
        f"/api/v1/t/{world.slug}/members",
        content=b'{"email": "x@example.org", ',
        headers={**world[Role.ADMIN].headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


async def test_oversized_body_is_413_and_documents_may_be_larger(api, factory):
    world = await factory.tenant("big", rooms=False)
    headers = world[Role.ADMIN].headers
    padding = "x" * (100 * 1024)
    member = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": "big@example.org", "role": "member", "name": padding},
        headers=headers,
    )
    assert member.status_code == 413
    assert member.headers["content-type"].startswith("application/problem+json")
    sign_in = await api.post("/auth/sign-in", json={"email": "a@b.org", "password": padding})
    assert sign_in.status_code == 413
    # A policy document of 100 kB is within the documents' limit: judged on its content.
    policy = await api.post(
        f"/api/v1/t/{world.slug}/policies",
        json={"name": "big-one", "document": "# " + padding},
        headers=headers,
    )
    assert policy.status_code != 413, policy.text


async def test_every_response_says_nosniff(api, factory):
    world = await factory.tenant("sniff", rooms=False)
    responses = [
        await api.get(f"/api/v1/t/{world.slug}/members", headers=world[Role.ADMIN].headers),
        await api.get(f"/api/v1/t/{world.slug}/members"),  # 401 problem
        await api.get("/no/such/path"),  # 404 of no route
        await api.get("/health"),
        await api.get("/sign-in"),  # a page
        await api.get("/schema/openapi.json"),
    ]
    assert [r.headers.get("x-content-type-options") for r in responses] == ["nosniff"] * 6
    assert responses[0].status_code == 200
    assert responses[0].headers["content-type"].startswith("application/json")
    assert responses[4].headers["content-type"].startswith("text/html")


async def test_swagger_page_loads_only_this_sites_assets(api):
    for path in ("/schema/swagger", "/schema"):
        page = await api.get(path)
        assert page.status_code == 200
        html = page.text
        assert "<script>" not in html  # no inline script
        references = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert len(references) >= 4
        for reference in references:
            assert reference.startswith("/schema/") and not reference.startswith("//")
            asset = await api.get(reference)
            assert asset.status_code == 200, reference
            assert asset.headers["x-content-type-options"] == "nosniff"
        assert re.search(r'data-url="/schema/openapi.json"', html)
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "http" not in policy
    bundle = await api.get("/schema/swagger/assets/swagger-ui-bundle.js")
    assert "SwaggerUIBundle" in bundle.text
    assert bundle.headers["content-type"].startswith("text/javascript")
    # Only what the page uses is served, not the rest of the distribution.
    assert (await api.get("/schema/swagger/assets/swagger-editor.js")).status_code == 404
    document = await api.get("/schema/openapi.json")
    assert document.status_code == 200 and document.json()["info"]["title"] == "Accord"


async def test_an_empty_query_value_is_refused_by_name(api, factory):
    world = await factory.tenant("empty", rooms=False)
    response = await api.get(
        f"/api/v1/t/{world.slug}/audit/events?action=", headers=world[Role.ADMIN].headers
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "action", "message": "must not be empty; leave the parameter out instead"}
    ]
