"""Which characters an input file's texts may hold, and how long each text may be.

Checked on every input file (study and factor set) as it is parsed, so that a bad
character is reported where it was written instead of breaking a writer later:
python-docx refuses control characters (a traceback), an ESC garbles the PDF's text,
and bidirectional controls make a report show text in another order than the file
says (U+202E turns "exe.live" into "evil.exe" on the page).

Refused, each with its field and its position in the value:

- control characters (C0, DEL, C1), except tab and line break in a text of several
  lines; the line and paragraph separators U+2028 and U+2029;
- bidirectional controls: embeddings, overrides, isolates and the marks LRM, RLM, ALM.
  A Chinese report has no use for them, they are invisible in an editor, and removing
  them silently would print something other than what the study says;
- halves of surrogate pairs (YAML reads "\\uD83D\\uDE00" as two) and noncharacters.

Nothing is stripped: the report prints what the file says, or is not built.

Every text has a maximum length (:data:`LIMITS`): ids, names and other one-line texts
are printed on the cover, in headings and in table cells; the texts of several
paragraphs get a cap generous for any report but small enough that nothing takes
minutes to lay out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from cfpreport.errors import Problem, StudyError
from cfpreport.input import yaml_reader  # as a module: yaml_reader calls this one

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class TextKind:
    """How long a text may be, whether it may break lines, and (for the message) what
    it is and why it is limited."""

    limit: int
    one_line: bool
    what: str
    why: str = ""


CODE = TextKind(64, True, "an id, report number, unit or other code")
TITLE = TextKind(100, True, "a title or model", " (it is printed large on the cover)")
NAME = TextKind(200, True, "a name or other one-line text",
                " (it is printed on the cover, in headings and in table cells)")
STATEMENT = TextKind(2_000, False, "a statement, note or source")
PARAGRAPHS = TextKind(20_000, False, "a text of paragraphs")


#: Each field's kind, by its path with list indices written ``[]``; any text not listed
#: (a statement, note, source, reason, file name) is a :data:`STATEMENT`. The factor
#: fields are the same in a study's ``factors:`` and in a factor-set file.
LIMITS: dict[str, TextKind] = {
    **dict.fromkeys([
        "report.number", "products[].id", "products[].activities[].factor",
        "products[].activities[].gas", "products[].activities[].unit", "factors[].id",
        "factors[].unit", "company.contact.phone", "report.team[].certificate"], CODE),
    **dict.fromkeys(["report.title", "products[].model"], TITLE),
    **dict.fromkeys([
        "company.name", "company.address", "company.legal_representative",
        "company.contact.name", "report.issuer.name", "report.prepared_by",
        "report.team[].name", "report.team[].role", "report.team[].organization",
        "report.standards[]", "products[].name", "products[].functional_unit",
        "products[].reference_flow", "products[].activities[].label", "factors[].name",
        "factors[].publisher", "factors[].verified_by", "factors[].en.name",
        "factors[].en.publisher"], NAME),
    **dict.fromkeys([
        "company.overview", "company.introduction", "products[].functions",
        "products[].process_flow"], PARAGRAPHS),
}

# The characters PyYAML's reader refuses in a file (it then raises without a place).
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_BIDI_ABBREVIATIONS = {0x061C: "ALM", 0x200E: "LRM", 0x200F: "RLM", 0x202A: "LRE",
                       0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
                       0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI"}
# The control characters' abbreviations (ISO 6429), C0 then DEL and C1.
_CONTROL_NAMES = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF",
    "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
    "SUB", "ESC", "FS", "GS", "RS", "US", "DEL", "PAD", "HOP", "BPH", "NBH", "IND", "NEL",
    "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU", "RI", "SS2", "SS3", "DCS", "PU1", "PU2",
    "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGC", "SCI", "CSI", "ST", "OSC", "PM", "APC"]
_CONTROLS = [*range(0x20), *range(0x7F, 0xA0)]
CONTROL_NAMES = dict(zip(_CONTROLS, _CONTROL_NAMES, strict=True))
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane << 16 | low) for plane in range(17)
                                           for low in (0xFFFE, 0xFFFF))
# What no text may hold (every control but tab and line break, the separators U+2028 and
# U+2029, bidirectional controls, surrogates, noncharacters), and what a one-line text
# may not hold either.
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e"
                      "\u2066-\u2069\ud800-\udfff" + _NONCHARACTERS + "]")
_REFUSED_IN_ONE_LINE = re.compile("[\t\n" + _REFUSED.pattern[1:])
SHORTEST_LIMIT = min(kind.limit for kind in (CODE, TITLE, NAME, STATEMENT, PARAGRAPHS))
MAX_LISTED = 5  # raw characters listed one by one; more are summed up in one line


def refuse_unreadable_characters(text: str, name: str) -> None:
    """Raise a located StudyError if YAML would refuse a character of the file."""
    problems = unreadable_character_problems(text, name)
    if problems:
        raise StudyError(problems)


def unreadable_character_problems(text: str, name: str) -> list[Problem]:
    """Locate the characters YAML refuses in a file's text (raw NUL, ESC, DEL ...).

    Each is reported at its own line and column, with the field it is in; the field
    is found by parsing the text once more with each such character replaced.
    """
    found = list(_UNREADABLE.finditer(text))
    if not found:
        return []
    if text.count("\x00") * 4 >= len(text):
        return [Problem(name, 1, 1, "", "is full of NUL characters: it looks like a UTF-16 "
                                        "file; save it as UTF-8")]
    spans = scalar_spans(_UNREADABLE.sub("\ufffd", text))
    problems = []
    for number, match in enumerate(found[:MAX_LISTED], start=1):
        offset = match.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - text.rfind("\n", 0, offset)
        field = next((yaml_reader.format_path(path) for start, end, path in spans
                      if start <= offset < end), "")
        more = len(found) - MAX_LISTED if number == MAX_LISTED else 0
        also = f" (and {more} more such characters further on)" if more > 0 else ""
        problems.append(Problem(name, line, column, field,
                                f"contains {describe(match.group())}; "
                                f"{advice(match.group())}{also}"))
    return problems


def text_problems(data: Any, positions: dict, name: str) -> list[Problem]:
    """Check every text (and key) of parsed data: its characters and its length."""
    problems = []
    for path, value in texts(data, ()):
        if len(value) <= SHORTEST_LIMIT and not _REFUSED_IN_ONE_LINE.search(value):
            continue  # fine in any field, as most texts are: which field it is can wait
        kind = LIMITS.get(pattern(path), STATEMENT)
        message = character_problem(value, kind.one_line) or length_problem(value, kind)
        if message:
            problems.append(Problem(name, *yaml_reader.locate(path, positions),
                                    yaml_reader.format_path(path), message))
    for path in keys(data, (), _REFUSED_IN_ONE_LINE.search):
        message = character_problem(path[-1], one_line=True)
        if message:
            problems.append(Problem(name, *yaml_reader.locate(("#key", *path), positions),
                                    yaml_reader.format_path(path[:-1]),
                                    f"the key {path[-1]!r} {message}"))
    return problems


def character_problem(text: str, one_line: bool) -> str | None:
    """Say which character of a text cannot be printed, and what to do, or None."""
    bad = (_REFUSED_IN_ONE_LINE if one_line else _REFUSED).finditer(text)
    first = next(bad, None)
    if first is None:
        return None
    index, char, others = first.start(), first.group(), sum(1 for _ in bad)
    more = f" (and {others} more)" if others else ""
    return (f"contains {describe(char)} at position {index + 1}{more}; "
            f"{advice(char, one_line, at_end=index == len(text) - 1, several=bool(more))}")


def describe(char: str) -> str:
    """Name a character for a message: 'the control character U+001B (ESC)'."""
    code = ord(char)
    if char == "\n":
        return "a line break (U+000A)"
    if char == "\t":
        return "a tab (U+0009)"
    if code in CONTROL_NAMES:
        return f"the control character U+{code:04X} ({CONTROL_NAMES[code]})"
    if code in _BIDI:
        return (f"the bidirectional control U+{code:04X} ({unicodedata.name(char)}, "
                f"{_BIDI_ABBREVIATIONS[code]})")
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X} (half of a surrogate pair)"
    if code in (0x2028, 0x2029):
        return f"the {unicodedata.name(char).lower()} U+{code:04X}"
    return f"the noncharacter U+{code:04X}"


def advice(char: str, one_line: bool = False, at_end: bool = False,
           several: bool = False) -> str:
    """What to do about a character :func:`character_problem` found."""
    code = ord(char)
    if char == "\n":
        block = " (a `|` or `>` block ends with one: write `>-` or a plain value)"
        return "this field is printed on one line: write it without line breaks" + (
            block if at_end else "")
    if char == "\t":
        return "this field is printed on one line: use spaces, not tabs"
    if code in _BIDI:
        return ("remove it: it is invisible, and can make the report print text in another "
                "order than it is written")
    if 0xD800 <= code <= 0xDFFF:
        return ("write the character itself (or \\U0001F600 for a character above U+FFFF), "
                "not two \\u halves")
    if code in (0x2028, 0x2029):
        return "use a space" if one_line else "use an ordinary line break"
    return "remove them" if several else "remove it"


def length_problem(text: str, kind: TextKind) -> str | None:
    if len(text) <= kind.limit:
        return None
    return (f"is {len(text)} characters long; {kind.what} may have at most {kind.limit} "
            f"characters{kind.why}; shorten it")


# --- walking the data ----------------------------------------------------------------

def texts(value: Any, path: FieldPath) -> list[tuple[FieldPath, str]]:
    """Every text in the data, with its path (iteratively: data may be deep)."""
    found, pending = [], [(path, value)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            found.append((path, value))
        elif isinstance(value, dict):
            pending += [((*path, key), item) for key, item in value.items()]
        elif isinstance(value, list):
            pending += [((*path, index), item) for index, item in enumerate(value)]
    return found


def keys(value: Any, path: FieldPath, select: Callable[[str], Any] = bool
         ) -> list[FieldPath]:
    """The path of every mapping key in the data (its last part is the key), or of each
    key ``select`` is true of (paths are built for those only)."""
    found, pending = [], [(path, value)]
    while pending:
        path, value = pending.pop()
        items = value.items() if isinstance(value, dict) else (
            enumerate(value) if isinstance(value, list) else [])
        for key, item in items:
            if isinstance(key, str) and select(key):
                found.append((*path, key))
            if isinstance(item, dict | list):
                pending.append(((*path, key), item))
    return found


def pattern(path: FieldPath) -> str:
    """A path with its list indices written ``[]``: products[].activities[].unit."""
    text = ""
    for part in path:
        text += "[]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def scalar_spans(text: str) -> list[tuple[int, int, FieldPath]]:
    """(start, end, path) of each scalar of a YAML text, from its events: no node is
    built, so neither aliases nor deep nesting cost anything. [] if it is not YAML."""
    try:
        return yaml_reader.read_events(text, spans_of)
    except yaml.YAMLError:
        return []


def spans_of(events: Iterator[yaml.Event]) -> list[tuple[int, int, FieldPath]]:
    """(start, end, path) of each scalar event, in the order of the text."""
    spans: list[tuple[int, int, FieldPath]] = []
    stack: list[list] = []  # per open collection: [path, is_mapping, key or index]
    for event in events:
        if isinstance(event, yaml.CollectionEndEvent):
            if stack.pop()[2] != _SKIPPED:  # a closed complex key awaits its value
                advance(stack)
        elif isinstance(event, yaml.NodeEvent) and stack and stack[-1][1] and (
                stack[-1][2] is None):  # a mapping's key
            key = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            spans.append((event.start_mark.index, event.end_mark.index,
                          (*stack[-1][0], key)))
            stack[-1][2] = key
            if isinstance(event, yaml.CollectionStartEvent):  # a complex key: skip it
                stack.append([(*stack[-1][0], key), False, _SKIPPED])
        elif isinstance(event, yaml.NodeEvent):
            path = (*stack[-1][0], stack[-1][2]) if stack else ()
            if isinstance(event, yaml.MappingStartEvent):
                stack.append([path, True, None])
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append([path, False, 0])
            else:
                spans.append((event.start_mark.index, event.end_mark.index, path))
                advance(stack)
    return spans


_SKIPPED = -(10**9)  # the index of a complex key's items, never advanced to a value


def advance(stack: list[list]) -> None:
    """Move the innermost open collection on: a mapping to its next key, a list to its
    next index."""
    if not stack:
        return
    if stack[-1][1]:
        stack[-1][2] = None
    elif stack[-1][2] != _SKIPPED:
        stack[-1][2] += 1
