from tenants.roles import Role


async def test_admin_lists_members(api, factory):
    world = await factory.tenant()
    response = await api.get(f"/api/v1/t/{world.slug}/members", headers=world[Role.ADMIN].headers)
    assert response.status_code == 200
    emails = {item["email"] for item in response.json()["items"]}
    assert world[Role.BOARD].email in emails
