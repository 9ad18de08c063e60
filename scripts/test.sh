#!/usr/bin/env bash
# The whole suite on SQLite, then the database tests again on PostgreSQL.
#
# PostgreSQL comes from ACCORD_TEST_POSTGRES_URL (default: the local server with role
# and database "accord"/"accord_test"). If it is not reachable and this machine has a
# local cluster, it is started. With CI=true a missing PostgreSQL fails the run;
# otherwise it is skipped with a loud warning.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${ACCORD_TEST_POSTGRES_URL:-postgresql://accord:accord@127.0.0.1:5432/accord_test}

pg_reachable() {
  "$BIN/python" - "$PG_URL" <<'PY'
import asyncio, sys
import asyncpg
async def main() -> None:
    conn = await asyncpg.connect(sys.argv[1], timeout=3)
    await conn.close()
try:
    asyncio.run(main())
except Exception as exc:
    print(f"PostgreSQL at {sys.argv[1].split('@')[-1]} is not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
}

run_pytest() {
  # pytest exits 5 when it collected nothing: that is a failure here, never a pass.
  "$BIN/python" -m pytest "$@"
}

# The browser tests (marker `browser`) drive Debian's Chromium; Playwright's own
# browser download is never used. As root, install it when it is missing.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

echo "== SQLite: the whole suite"
(unset ACCORD_DATABASE_URL; run_pytest -p no:cacheprovider -q)

if ! pg_reachable 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== starting the local PostgreSQL cluster"
    pg_ctlcluster 15 main start 2>/dev/null || true
    sleep 2
  fi
fi
if pg_reachable; then
  echo "== PostgreSQL: every test that touches the database"
  # The browser tests check pages, not the engine: they ran in the SQLite pass.
  ACCORD_DATABASE_URL="$PG_URL" run_pytest -p no:cacheprovider -q -m "db and not browser"
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true and PostgreSQL is not reachable at $PG_URL: failing" >&2
  exit 1
else
  echo "!! PostgreSQL is not reachable at $PG_URL: its pass was SKIPPED (see README)" >&2
fi
