"""Running commands from the `accord` command line, and what the operator sees when
one fails.

Every command group (audit, screening, board, MOUs, mentoring, ...) runs its database
work through `run`: its own event loop, the connection pool closed at the end, and a
domain error turned into a clear message and exit 1. `AccordGroup` is the top-level
group: whatever a command raises ends as one line on stderr (`Error: ...`) with exit
code 1, or 2 for a usage error; `accord --debug ...` shows the traceback instead. It
lives apart from `registry.cli`, whose command groups import it.

`LazyGroup` keeps the command line quick to start: a group named in its table is
imported only when one of its commands runs or its help is asked for, so `accord
--help` and `accord tokens create` do not pay for litestar, scipy, openpyxl or fpdf.
`run` refuses a SQLite database file that does not exist (but for `accord migrate` and
`accord demo`), rather than leaving an empty database wherever the command was typed.
"""

from __future__ import annotations

import errno
import os
import re
import traceback
import warnings
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from tenants.errors import AccordError

T = TypeVar("T")

#: A message longer than this is cut: a line on a terminal, not a file dump.
MAX_MESSAGE = 1000


def run(coro: Coroutine[Any, Any, T], *, creates_database: bool = False) -> T:
    """Run one command's work, turning domain errors into a clear message and exit 1.

    Only a command that sets up a database (`creates_database`) may start from a
    SQLite file that does not exist; any other is refused before it opens one (see
    `missing_database`)."""
    if not creates_database:
        try:
            missing = missing_database()
            if missing is not None:
                raise click.ClickException(missing)
        except BaseException:
            coro.close()  # never to run: without this Python warns it was never awaited
            raise

    async def wrapped() -> T:
        from tenants.database import close_pool, open_command_pool

        try:
            try:
                await open_command_pool()
            except BaseException:
                coro.close()  # never to run (the database is unreachable)
                raise
            return await coro
        finally:
            await close_pool()

    import asyncio  # here: a command that touches no database need not load it

    try:
        return asyncio.run(wrapped())
    except AccordError as exc:
        raise click.ClickException(exc.detail) from exc


def missing_database() -> str | None:
    """Why the configured database cannot be used because its SQLite file does not
    exist (where it looked, and how to point elsewhere), or None if it exists or is
    not a file. SQLite would create an empty file on the first query; typed outside
    the project folder, a command would then leave `var/accord.sqlite3` behind and
    report an unmigrated database rather than the real mistake."""
    from tenants.settings import load_settings

    database = load_settings().database
    if database.engine != "sqlite":
        return None
    path = database.sqlite_path
    if path == ":memory:" or path.startswith("file:") or Path(path).exists():
        return None
    where = Path(path).absolute()
    if "ACCORD_DATABASE_URL" in os.environ:
        return (
            f"no database at {where} (ACCORD_DATABASE_URL={database.url}): check "
            "ACCORD_DATABASE_URL, or run `accord migrate` to create a database there"
        )
    if "ACCORD_VAR_DIR" in os.environ:
        looked, advice = "in ACCORD_VAR_DIR", "check ACCORD_VAR_DIR, or set ACCORD_DATABASE_URL"
    else:
        looked = "under the current folder"
        advice = "run it in the project folder, or set ACCORD_DATABASE_URL"
    return (
        f"no database at {where}: ACCORD_DATABASE_URL is not set, so accord looked {looked}; "
        f"{advice} (sqlite:////path/to/accord.sqlite3 or "
        "postgresql://user:password@host:5432/accord); `accord migrate` creates a new database"
    )


def one_line(message: str) -> str:
    """The message on one line: its lines joined, and cut if very long."""
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    if len(line) > MAX_MESSAGE:
        line = line[: MAX_MESSAGE - 1] + "…"
    return line


class UsageLine(click.ClickException):
    """A usage error told in one line, with where to find the usage (exit 2)."""

    exit_code = 2


def _usage_line(exc: click.UsageError) -> UsageLine:
    message = exc.format_message()
    if exc.ctx is not None:
        message += f" (see '{exc.ctx.command_path} --help')"
    return UsageLine(one_line(message))


# -- what an error means to the operator ----------------------------------------------


def _database_where() -> str:
    """The database the command used, as the operator would recognise it: a SQLite
    file as an absolute path (a relative default resolves against the current
    folder), a PostgreSQL URL without its password."""
    try:
        from tenants.settings import load_settings

        database = load_settings().database
    except Exception:
        return "(ACCORD_DATABASE_URL unreadable)"
    if database.engine == "sqlite":
        return str(Path(database.sqlite_path).absolute())
    parts = urlsplit(database.url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{parts.hostname or ''}{port}{parts.path}"


def _raised_in(exc: BaseException, package: str) -> bool:
    tb: TracebackType | None = exc.__traceback__
    marker = f"{os.sep}{package}{os.sep}"
    while tb is not None:
        if marker in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


_PICCOLO_UNREACHABLE = r".*Unable to (fetch server version|connect to database)"
_NO_TABLE = re.compile(r'(?:no such table: |relation ")(\w+)')


def _database_message(exc: BaseException) -> str | None:
    """A one-line explanation of a database error, or None if `exc` is not one."""
    import sqlite3

    import asyncpg

    is_sqlite = isinstance(exc, sqlite3.Error)
    is_postgres = isinstance(exc, asyncpg.PostgresError | asyncpg.InterfaceError)
    # asyncpg lets the socket's own errors through when it cannot connect.
    unreachable = isinstance(exc, OSError | TimeoutError) and _raised_in(exc, "asyncpg")
    if not (is_sqlite or is_postgres or unreachable):
        return None
    where = _database_where()
    detail = one_line(str(exc)) or type(exc).__name__
    missing = _NO_TABLE.search(detail)
    if missing:
        return (
            f"the database {where} is not migrated (no table {missing.group(1)}): "
            "run `accord migrate`, or set ACCORD_DATABASE_URL to the migrated database"
        )
    if unreachable or isinstance(
        exc,
        asyncpg.InvalidAuthorizationSpecificationError
        | asyncpg.InvalidCatalogNameError
        | asyncpg.InvalidPasswordError
        | asyncpg.CannotConnectNowError
        | asyncpg.TooManyConnectionsError,
    ):
        return f"cannot connect to the database {where}: {detail} (check ACCORD_DATABASE_URL)"
    if is_sqlite and "unable to open database file" in detail:
        return f"cannot open the database {where}: {detail} (check ACCORD_DATABASE_URL)"
    return f"database error on {where}: {detail}"


def describe(exc: BaseException) -> str:
    """What went wrong, in one line for the operator. Errors Accord expects (domain
    errors, key and list-file errors, files, the database) say so plainly; anything
    else is named as unexpected, with the way to its traceback."""
    from screening.model import ListFormatError
    from tenants.keys import MasterKeyError
    from tenants.settings import SettingsError

    if isinstance(exc, AccordError):
        return one_line(exc.detail)
    if isinstance(exc, MasterKeyError | ListFormatError | SettingsError):
        return one_line(str(exc))
    database = _database_message(exc)
    if database is not None:
        return database
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename is not None else ""
        return one_line(f"{where}{exc.strerror}")
    detail = one_line(str(exc))
    name = type(exc).__name__
    said = f"{name}: {detail}" if detail else name
    return f"unexpected error: {said} (run with --debug for the traceback)"


@dataclass(frozen=True, slots=True)
class Lazy:
    """A command kept in its own module, imported only when it is used."""

    #: Where the click command is: "package.module:attribute".
    target: str
    #: The line the parent's `--help` shows for it (without importing it): the first
    #: sentence of the command's own help.
    help: str

    def load(self) -> click.Command:
        module, _, attribute = self.target.partition(":")
        command = getattr(import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


class LazyGroup(click.Group):
    """A group whose commands named in `lazy` are imported on first use.

    Listing them (`--help`) imports nothing: each is shown by its table line."""

    def __init__(self, *args: Any, lazy: Mapping[str, Lazy] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Lazy] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.lazy[cmd_name].load(), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # As click's own, but a command not yet imported stands in by its table line.
        shown = [
            (name, self.commands.get(name) or click.Command(name, help=self.lazy[name].help))
            for name in self.list_commands(ctx)
        ]
        shown = [(name, command) for name, command in shown if not command.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in shown)
        with formatter.section("Commands"):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in shown])


class AccordGroup(LazyGroup):
    """The top-level `accord` group: the one place where a failing command's error is
    told to the operator. Commands raise what they raise; here it becomes one line
    on stderr and exit 1 (2 for usage), or a traceback with `--debug`."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise  # `accord` alone shows the help
        except click.UsageError as exc:
            raise _usage_line(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug"))
        try:
            with warnings.catch_warnings():
                # Piccolo warns (in colour, with a source line) when it cannot reach the
                # database, before the error that says the same in one line here.
                warnings.filterwarnings("ignore", message=_PICCOLO_UNREACHABLE)
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, click.exceptions.NoArgsIsHelpError):
            raise
        except UsageLine:
            raise
        except click.UsageError as exc:
            raise _usage_line(exc) from exc
        except click.ClickException as exc:
            if debug:
                traceback.print_exception(exc)
            message = exc.format_message()
            if one_line(message) == message or exc.exit_code != 1:
                raise
            raise click.ClickException(one_line(message)) from exc
        except Exception as exc:
            if debug or (isinstance(exc, OSError) and exc.errno == errno.EPIPE):
                raise  # click quietly ends a command whose reader went away (| head)
            raise click.ClickException(describe(exc)) from exc


class _Rehearsed(Exception):
    """Raised at the end of a rehearsal so that its transaction rolls back."""


async def rehearse(coro: Coroutine[Any, Any, T]) -> T:
    """Run the work inside one transaction that is then rolled back. The work's own
    transactions join it, so it reads and writes exactly as the real run would (and
    reports the same), and nothing is kept: no change, no audit event, no e-mail in
    the outbox."""
    from tenants.database import write_transaction

    done: list[T] = []
    try:
        async with write_transaction():
            done.append(await coro)
            raise _Rehearsed
    except _Rehearsed:
        pass
    return done[0]


def apply_option(name: str = "--as-of") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The `--apply` flag of a scheduled job that takes a day to run as."""
    return click.option(
        "--apply",
        "apply",
        is_flag=True,
        help=f"With {name}: make the changes. Without it a run {name} another day is a dry "
        "run that prints what it would do and changes nothing.",
    )


def run_job(
    coro: Coroutine[Any, Any, T],
    *,
    as_of: str | None,
    apply: bool,
    show: Callable[[T], None],
    option: str = "--as-of",
) -> None:
    """A scheduled job's run. As cron runs it (no `as_of`) it acts on today, as
    before. Given a day to run as, it changes live data only with `--apply`: without
    it the run is rehearsed (see `rehearse`), its report shown, and a note on stderr
    says nothing was changed. A day typed to try something out must not expire MOUs
    or charge fees for real."""
    if as_of is None or apply:
        show(run(coro))
        return
    show(run(rehearse(coro)))
    click.echo(
        f"dry run {option} {as_of}: nothing was changed; add --apply to make these changes",
        err=True,
    )
