"""Set a few scalar keys of a study file by editing its text, keeping everything else.

A re-issue changes ``report.revision``, ``report.revision_reason``, ``report.previous``,
``study.factor_set`` (and ``report.issued`` when asked); the user's comments, order,
quoting and line breaks stay as they wrote them. Each key's value is replaced where it is
written, or a line is added in its section; the result is parsed again and must differ
from the original in those keys only.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass

import yaml

from cfpreport.errors import CfpError
from cfpreport.input.yaml_reader import parse_yaml

PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")


@dataclass(frozen=True)
class Change:
    """Set ``section.key`` to ``value``; a new key goes after ``after`` if that is there."""

    section: str
    key: str
    value: str | int
    after: tuple[str, ...] = ()


def scalar(value: str | int) -> str:
    """A value as YAML text: numbers and plain names as they are, other text quoted
    (a double-quoted YAML scalar is a JSON string)."""
    if isinstance(value, int) or (PLAIN.match(value) and not value.isdigit()):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def set_keys(text: str, changes: list[Change], name: str) -> str:
    """Return ``text`` with each change made; a CfpError when a section cannot be edited
    as text (written in flow style, or a key's value not a one-line scalar)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise CfpError(f"{name}: cannot read it as YAML: {error}") from None
    edits: list[tuple[int, int, str]] = []
    for change in changes:
        section = child(root, change.section)
        if not isinstance(section, yaml.MappingNode) or section.flow_style or not section.value:
            raise CfpError(f"{name}: cannot set {change.section}.{change.key}: the "
                           f"{change.section}: section is not a block mapping to add to")
        node = child(section, change.key)
        if node is not None:
            if not isinstance(node, yaml.ScalarNode) or node.style in ("|", ">") or \
                    node.start_mark.line != node.end_mark.line:
                raise CfpError(f"{name}:{node.start_mark.line + 1} {change.section}."
                               f"{change.key}: not a one-line value; cannot change it")
            edits.append((node.start_mark.index, node.end_mark.index, scalar(change.value)))
            continue
        edits.append(insertion(text, section, change))
    # From the end, so earlier offsets hold; lines added at one place keep their order.
    order = sorted(range(len(edits)), key=lambda i: (edits[i][0], i), reverse=True)
    for start, end, replacement in (edits[i] for i in order):
        text = text[:start] + replacement + text[end:]
    return text


def insertion(text: str, section: yaml.MappingNode, change: Change) -> tuple[int, int, str]:
    """A new line ``key: value`` in ``section``, indented as its keys: after the line of
    the first key of ``change.after`` written there, else before the section's first key."""
    first = section.value[0][0]
    line = " " * first.start_mark.column + f"{change.key}: {scalar(change.value)}\n"
    for key in change.after:
        node = child(section, key)
        if node is not None and node.end_mark.line == node.start_mark.line:
            end = text.find("\n", node.end_mark.index)
            at = len(text) if end < 0 else end + 1
            return at, at, line if end >= 0 else "\n" + line
    at = first.start_mark.index - first.start_mark.column
    return at, at, line


def child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def edit_study(text: str, changes: list[Change], name: str) -> str:
    """Make the changes, then check by parsing both texts that only those keys differ."""
    edited = set_keys(text, changes, name)
    before, after = parse_yaml(text, name).data, parse_yaml(edited, name).data
    expected = copy.deepcopy(before)
    for change in changes:
        expected[change.section][change.key] = after[change.section].get(change.key)
        if str(after[change.section].get(change.key)) != str(change.value):
            raise CfpError(f"{name}: {change.section}.{change.key} reads back as "
                           f"{after[change.section].get(change.key)!r}, not {change.value!r}")
    if expected != after:
        raise CfpError(f"{name}: editing its text changed more than "
                       f"{', '.join(f'{c.section}.{c.key}' for c in changes)}; not written")
    return edited

