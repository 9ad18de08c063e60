"""The web pages: server-rendered HTML (Jinja templates, plain forms, vendored HTMX).

Pages live outside `/api/v1` (`/sign-in`, `/tenants`, `/t/{tenant}/...`) and call the
same service functions as the API. Tenant pages pass the same `TenantWall` and
declare their roles with `allow(...)` like every API route.
"""
