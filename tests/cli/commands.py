"""The `accord` command tree as the operator meets it: groups read through click's
`list_commands` / `get_command`, so that the groups imported only when used (see
`registry.cli.GROUPS`) are walked like the others."""

from __future__ import annotations

import click


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command below `group` (not the groups themselves), as the words typed."""
    context = click.Context(group)
    found: list[tuple[str, ...]] = []
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, f"{' '.join((*prefix, name))} is listed but not found"
        if isinstance(command, click.Group):
            found.extend(command_paths(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


def group_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every group below `group` (itself first), as the words typed."""
    context = click.Context(group)
    found = [prefix]
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            found.extend(group_paths(command, (*prefix, name)))
    return found
