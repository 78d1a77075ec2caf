"""Read YAML into plain data with the position of every field, safely and fast.

The study file and the factor-set files are read here: one pass over the parser's
events (libyaml's where it reads a text as PyYAML's Python parser does) builds the data,
records where each field is, refuses anchors, aliases, tags beyond the YAML core types
and deep nesting, and keeps the text of each plain scalar YAML 1.1 would read as
something else (the field it fills decides; see :mod:`cfpreport.input.scalars`).
Validating the data against the study model is :mod:`cfpreport.input.loading`'s part.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, TypeVar

import yaml

from cfpreport.errors import Problem, StudyError
from cfpreport.input import text_checks
from cfpreport.input.scalars import FieldPath, Written, quoted

# A path inside the document: keys and list indices, e.g. ("products", 0, "activities").
Positions = dict[FieldPath, tuple[int, int]]

MAX_DEPTH = 100  # a study nests about six levels; deeper files only exhaust the stack
STUDY_NEEDS = "report:, company:, study: and products:"
T = TypeVar("T")


class Parsed(NamedTuple):
    """A YAML file as plain data, the (line, column) of every field, and the text of each
    plain scalar that YAML 1.1 read as something other than text (see
    :mod:`cfpreport.input.scalars`: the field it fills decides how it is read)."""

    data: Any
    positions: Positions
    written: Written


def parse_yaml(text: str, name: str, kind: str = "a study", needs: str = STUDY_NEEDS
               ) -> Parsed:
    """Parse YAML safely into plain data plus the (line, column) of every field.

    Only the YAML core types are built (no Python objects). Anchors and aliases are
    refused: they are how "billion laughs" files blow up, and studies never need them.
    Nesting is capped as the file is read, since later steps (reading each field as the
    model expects, validating) recurse once per level. The file is parsed once, by
    libyaml where it reads the file as PyYAML's Python parser does (:func:`read_events`).
    """
    text_checks.refuse_unreadable_characters(text, name)  # YAML's reader would not say where
    try:
        built = read_events(text, lambda events: DataBuilder(name).build(events), name)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = f"YAML syntax error: {err.problem or err.context}"
        raise StudyError.single(name, message, line=mark.line + 1 if mark else None,
                                column=mark.column + 1 if mark else None) from None
    if built.root_mark is None:
        raise StudyError.single(name, f"is empty; {kind} needs {needs}")
    data, positions, written = built.data, built.positions, built.written
    problems = built.problems + text_checks.text_problems(data, positions, name)
    if problems:
        raise StudyError(problems)
    if not isinstance(data, dict):
        raise StudyError.single(name, f"must be a mapping with {needs}", line=1, column=1)
    return Parsed(data, positions, written)


# --- reading YAML: libyaml where it reads a text as PyYAML does ----------------------

#: libyaml (C) parses about 15 times faster than PyYAML's Python parser, and PyYAML's
#: wheels ship it. Without it, PyYAML's parser reads every file (the same result).
LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))
# Characters with which libyaml may read a text otherwise than PyYAML, whose reading the
# messages follow: it takes some tabs for spaces where PyYAML refuses them, skips a
# byte-order mark inside the text, and counts NEL, LS and PS as line breaks differently.
PYYAML_ONLY = re.compile("[\t\ufeff\x85\u2028\u2029]")


class LibyamlDiffers(Exception):
    """libyaml met something it may read otherwise than PyYAML (see :func:`yaml_events`)."""


def read_events(text: str, consume: Callable[[Iterator[yaml.Event]], T],
                name: str | None = None) -> T:
    """Feed ``consume`` the events of a YAML text; return what it returns.

    The events are libyaml's when they are the ones PyYAML's parser gives, else
    PyYAML's, which also word every syntax error (as they always have). With a
    ``name``, anchors, aliases and deep nesting are refused (:func:`yaml_events`).
    """
    if LIBYAML and not PYYAML_ONLY.search(text):
        try:
            return consume(yaml_events(text, name, yaml.CSafeLoader))
        except (yaml.YAMLError, LibyamlDiffers):
            pass  # PyYAML decides: it reads the text again from the start
    return consume(yaml_events(text, name, yaml.SafeLoader))


def yaml_events(text: str, name: str | None, loader: type) -> Iterator[yaml.Event]:
    """The events of a YAML text, read with ``loader``'s parser.

    With a ``name`` (the file's), an anchor, an alias or nesting deeper than MAX_DEPTH
    raises a located StudyError as it comes. From libyaml, an event PyYAML may give
    otherwise raises LibyamlDiffers: a tag (libyaml ends tags at a flow indicator), a
    plain scalar in a flow collection that holds '?' (PyYAML ends a scalar there) or is
    empty (`{note: }`: libyaml puts it one column further on).
    """
    from_libyaml = loader is not yaml.SafeLoader
    depth = flow = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            flow += bool(flow or event.flow_style)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            flow -= bool(flow)
        if from_libyaml and (getattr(event, "tag", None) is not None or (
                flow and isinstance(event, yaml.ScalarEvent) and not event.style and (
                    not event.value or "?" in event.value))):
            raise LibyamlDiffers
        if name is not None:
            refuse_anchor_or_depth(event, depth, name)
        yield event


def refuse_anchor_or_depth(event: yaml.Event, depth: int, name: str) -> None:
    """Raise a located StudyError for an anchor or alias, or for nesting too deep."""
    mark = event.start_mark
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise StudyError.single(
            name, "YAML anchors and aliases (&name, *name) are not allowed in study "
                  "files; write the value out", line=mark.line + 1, column=mark.column + 1)
    if depth > MAX_DEPTH:
        raise StudyError.single(
            name, f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
            line=mark.line + 1, column=mark.column + 1)


# What a mapping awaits next: a key, or a node it does not read (a refused key, the key's
# value); else it holds the key (as written, and where) whose value comes next.
AWAIT_KEY, SKIP_KEY, SKIP_VALUE = object(), object(), object()


class DataBuilder:
    """Turn the events of a one-document YAML stream into plain data, as they come.

    Records the position of every field (and of every key, under ``("#key", ...)``)
    and the text of each plain scalar not read as text; refuses tags other than the
    YAML core types, keys that are not plain words, and duplicate keys (a refused node,
    or a refused key's value, is not read further). Anchors and aliases are refused by
    the events (:func:`yaml_events`).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.data: Any = None
        self.root_mark: yaml.Mark | None = None  # None: no document (an empty file)
        self.positions: Positions = {}
        self.written: Written = {}
        self.problems: list[Problem] = []
        self.open: list[list] = []  # each open collection: [dict or list, path, state]
        self.skipping = 0  # how deep inside a node not read
        self.tags: dict[tuple, str] = {}  # the tag of each plain text (they recur)

    def build(self, events: Iterator[yaml.Event]) -> DataBuilder:
        for event in events:
            if self.skipping:
                self.skipping += isinstance(event, yaml.CollectionStartEvent)
                self.skipping -= isinstance(event, yaml.CollectionEndEvent)
                if not self.skipping:
                    self.node_done()
            elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
                self.node(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                self.open.pop()
                self.node_done()
            elif isinstance(event, yaml.DocumentStartEvent) and self.root_mark:
                for _ in events:  # the file's other problems first, as PyYAML orders them
                    pass
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream", self.root_mark,
                    "but found another document", event.start_mark)
        return self

    def node(self, event: yaml.NodeEvent) -> None:
        """Read a scalar, or open a collection, at its place in the open collection."""
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1)
        scalar = isinstance(event, yaml.ScalarEvent)
        tag = event.tag
        if tag is None or tag == "!":
            tag = (self.resolve(event) if scalar else MAP_TAG
                   if isinstance(event, yaml.MappingStartEvent) else SEQ_TAG)
        path: FieldPath = ()
        if self.open:
            container, parent, state = self.open[-1]
            if isinstance(container, list):
                path = (*parent, len(container))
            elif state is AWAIT_KEY:
                self.key(event, tag, where)
                return
            elif state is SKIP_VALUE:
                self.skipping = 0 if scalar else 1
                if scalar:
                    self.node_done()
                return
            else:
                path = (*parent, state[0])
        else:
            self.root_mark = mark
        self.positions[path] = where
        if tag not in PLAIN_TAGS:
            self.problems.append(Problem(
                self.name, *where, format_path(path),
                f"YAML tag {tag.replace(CORE, '!!')!r} is not allowed in study files; write "
                "plain text, numbers, dates, lists and mappings"))
            self.place(None)
            self.skipping = 0 if scalar else 1
            if scalar:
                self.node_done()
        elif scalar:
            value = self.scalar(event, tag, path)
            if not event.style and not isinstance(value, str):  # libyaml's plain is ''
                self.written[path] = event.value
            self.place(value)
            self.node_done()
        else:
            mapping = isinstance(event, yaml.MappingStartEvent)
            collection: dict | list = {} if mapping else []
            self.place(collection)
            self.open.append([collection, path, AWAIT_KEY if mapping else None])

    def key(self, event: yaml.NodeEvent, tag: str, where: tuple[int, int]) -> None:
        """Read a key of the innermost mapping: as written, `yes:` stays 'yes' and
        `1.50:` stays '1.50'."""
        frame = self.open[-1]
        mapping, path = frame[0], frame[1]
        key = None
        if isinstance(event, yaml.ScalarEvent) and tag in PLAIN_TAGS:
            key = self.scalar(event, tag, path)
        if not isinstance(key, str | int | float | bool) or key is None:
            self.problems.append(Problem(self.name, *where, format_path(path),
                                         "keys must be plain words"))
            frame[2] = SKIP_VALUE if isinstance(event, yaml.ScalarEvent) else SKIP_KEY
            self.skipping = 0 if isinstance(event, yaml.ScalarEvent) else 1
        elif event.value in mapping:
            self.problems.append(Problem(self.name, *where, format_path((*path, event.value)),
                                         "duplicate key; each key may appear once"))
            frame[2] = SKIP_VALUE
        else:
            frame[2] = (event.value, where)

    def resolve(self, event: yaml.ScalarEvent) -> str:
        """The tag YAML gives a scalar written without one."""
        known = (event.value, event.implicit)
        if known not in self.tags:
            self.tags[known] = SCALARS.resolve(yaml.ScalarNode, *known)
        return self.tags[known]

    def scalar(self, event: yaml.ScalarEvent, tag: str, path: FieldPath) -> Any:
        """The value of a scalar with one of the YAML core types' tags."""
        if tag == STR_TAG:  # most are: what the constructor would build, without a node
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                               style=event.style or None)  # libyaml's plain is ''
        return scalar_value(node, path, self.problems, self.name)

    def place(self, value: Any) -> None:
        """Put a value at its place: the root, the next item of a list, or a mapping's
        value of the key read last."""
        if not self.open:
            self.data = value
        elif isinstance(self.open[-1][0], list):
            self.open[-1][0].append(value)
        else:
            self.open[-1][0][self.open[-1][2][0]] = value

    def node_done(self) -> None:
        """A node is read (or skipped): its mapping awaits what comes after it."""
        if not self.open or isinstance(self.open[-1][0], list):
            return
        frame = self.open[-1]
        if frame[2] is SKIP_KEY:
            frame[2] = SKIP_VALUE
        elif frame[2] is SKIP_VALUE:
            frame[2] = AWAIT_KEY
        else:
            key, where = frame[2]
            self.positions[("#key", *frame[1], key)] = where
            frame[2] = AWAIT_KEY


def scalar_value(node: yaml.Node, path: FieldPath, problems: list[Problem], name: str) -> Any:
    """Build one scalar; text that YAML 1.1 mistakes for a date (2025-13-45) or a number
    it cannot build (an int of 5000 digits) stays text.

    Kept as text, it is then reported by the field it fills ("is not a date", "is too
    large") together with every other problem, and is fine where text is expected.
    """
    try:
        return SCALARS.construct_object(node)
    except Exception as err:  # PyYAML's constructors fail in many ways on text that an
        # explicit tag does not fit: `!!float ''` (IndexError), `!!timestamp abc` (...)
        if node.tag in TEXT_IF_UNREADABLE or implicit(node):
            return node.value
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        why = f" ({err})" if isinstance(err, ValueError | yaml.YAMLError) else ""
        problems.append(Problem(name, node.start_mark.line + 1, node.start_mark.column + 1,
                                format_path(path), f"{quoted(node.value)} is not a valid "
                                                   f"{tag}{why}"))
        return None
    finally:  # the constructor keeps every node it builds (or fails to)
        SCALARS.constructed_objects.clear()
        SCALARS.recursive_objects.clear()


def implicit(node: yaml.Node) -> bool:
    """Whether YAML gave a plain scalar its tag by guessing from its text (not `!!int`)."""
    return node.style is None and SCALARS.resolve(yaml.ScalarNode, node.value,
                                                  (True, False)) == node.tag


# One constructor for scalars only: it knows the YAML core types (int, float, bool,
# null, timestamps) and nothing that builds objects.
SCALARS = yaml.SafeLoader("")
# The tags a study may use: the YAML core types. Any other (!!python/..., !!binary,
# !custom) is refused before anything is built from it.
PLAIN_TAGS = {f"tag:yaml.org,2002:{kind}" for kind in
              ("str", "int", "float", "bool", "null", "timestamp", "merge", "map", "seq")}
CORE = "tag:yaml.org,2002:"
STR_TAG, MAP_TAG, SEQ_TAG = CORE + "str", CORE + "map", CORE + "seq"
TEXT_IF_UNREADABLE = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:merge"}


# --- positions ------------------------------------------------------------------------

def locate(path: FieldPath, positions: Positions) -> tuple[int | None, int | None]:
    """Return the position of a field, or of its nearest parent that is in the file."""
    while path and path not in positions:
        path = path[:-1]
    return positions.get(path, (None, None))


def format_path(path: FieldPath) -> str:
    """Write a field path the way users read it: products[0].activities[2].amount."""
    text = ""
    for part in path:
        if part == "#key":
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
