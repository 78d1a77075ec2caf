"""libyaml reads a study as PyYAML's Python parser does: the same data, the same
position of every field, the same problems, word for word.

cfpreport parses with libyaml when PyYAML has it (about 15 times faster) and hands a
text to PyYAML's parser wherever the two may differ (cfpreport.input.loading,
``read_events``). Each test here reads the same text both ways and compares.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from cfpreport.errors import StudyError
from cfpreport.input import loading, text_checks, yaml_reader
from tests.conftest import ROOT
from tests.test_bad_inputs import BASE, CASES

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")

FILES = sorted([*ROOT.glob("samples/*/study.yaml"),
                *ROOT.glob("cfpreport/data/factors/*.yaml")])


def outcome(text: str, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """What parsing gives, comparable: data (types shown), positions in the order they
    were found, the written text of non-text scalars; or every problem as printed."""
    with monkeypatch.context() as patch:
        patch.setattr(yaml_reader, "LIBYAML", libyaml)
        try:
            data, positions, written = yaml_reader.parse_yaml(text, "study.yaml")
        except StudyError as err:
            return ("problems", [str(problem) for problem in err.problems])
    return ("parsed", repr(data), list(positions.items()), sorted(written.items(), key=repr))


def both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """The outcome, asserted to be the same with libyaml and with PyYAML's parser."""
    fast = outcome(text, True, monkeypatch)
    assert fast == outcome(text, False, monkeypatch)
    return fast


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_samples_and_factor_sets_read_alike(path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert both(path.read_text(encoding="utf-8-sig"), monkeypatch)[0] == "parsed"


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_samples_are_read_by_libyaml_alone(path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A real study does not fall back to the slow parser."""
    parsers = []
    real = yaml_reader.yaml_events

    def spied(text: str, name: str | None, loader: type):
        parsers.append(loader)
        return real(text, name, loader)

    monkeypatch.setattr(yaml_reader, "yaml_events", spied)
    yaml_reader.parse_yaml(path.read_text(encoding="utf-8-sig"), "study.yaml")
    assert parsers == [yaml.CSafeLoader]


@pytest.mark.parametrize("text", [pytest.param(case.values[0], id=case.id) for case in CASES
                                  if isinstance(case.values[0], str)])
def test_bad_input_cases_read_alike(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    both(text, monkeypatch)


# Where libyaml and PyYAML's parser differ, what users see is PyYAML's, as before.
DIFFERENCES = [
    pytest.param("a: {note: what?}\n", ("problems", [
        "study.yaml:1:15 YAML syntax error: expected ',' or '}', but got '?'"]),
        id="question-mark-in-flow-value"),  # libyaml reads 'what?'
    pytest.param("a:\tb\n", ("problems", [
        "study.yaml:1:3 YAML syntax error: found character '\\t' that cannot start any "
        "token"]), id="tab-after-colon"),  # libyaml reads a: b
    pytest.param("a: {x: 1, y: }\nb: 2\n", ("parsed", "{'a': {'x': 1, 'y': None}, 'b': 2}", [
        ((), (1, 1)), (("a",), (1, 4)), (("a", "x"), (1, 8)), (("#key", "a", "x"), (1, 5)),
        (("a", "y"), (1, 13)), (("#key", "a", "y"), (1, 11)), (("#key", "a"), (1, 1)),
        (("b",), (2, 4)), (("#key", "b"), (2, 1))], [(("a", "x"), "1"), (("a", "y"), ""),
                                                     (("b",), "2")]),
        id="empty-value-in-flow-mapping"),  # libyaml places y's value at 1:14
    pytest.param('a: "\\ud83d\\ude00"\n', ("problems", [
        "study.yaml:1:4 a: contains U+D83D (half of a surrogate pair) at position 1 (and 1 "
        "more); write the character itself (or \\U0001F600 for a character above U+FFFF), "
        "not two \\u halves"]), id="surrogate-escapes"),  # libyaml: a syntax error
    pytest.param("a: 1\n\ufeffb: 2\n", ("parsed", "{'a': 1, '\\ufeffb': 2}", [
        ((), (1, 1)), (("a",), (1, 4)), (("#key", "a"), (1, 1)), (("\ufeffb",), (2, 4)),
        (("#key", "\ufeffb"), (2, 1))], [(("\ufeffb",), "2"), (("a",), "1")]),
        id="byte-order-mark-inside"),  # libyaml skips it (PyYAML does not count it)
    pytest.param('a: "x\u2028y"\nb: [\n', ("problems", [
        "study.yaml:4:1 YAML syntax error: expected the node content, but found '<stream "
        "end>'"]),
        id="line-separator-counts-as-a-line"),
    pytest.param("%YAML 1.3\n---\na: 1\n", ("parsed", "{'a': 1}", [
        ((), (3, 1)), (("a",), (3, 4)), (("#key", "a"), (3, 1))], [(("a",), "1")]),
        id="yaml-version-1.3"),  # libyaml refuses it
    pytest.param("a: !use, b]\n", ("problems", [
        "study.yaml:1:4 a: YAML tag '!use,' is not allowed in study files; write plain "
        "text, numbers, dates, lists and mappings"]), id="tag-with-comma"),
]


@pytest.mark.parametrize(("text", "expected"), DIFFERENCES)
def test_where_the_parsers_differ_pyyaml_decides(text: str, expected: tuple,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert both(text, monkeypatch) == expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("a: 1\n---\nb: &x 2\n", "study.yaml:3:4 YAML anchors and aliases",
                 id="anchor-in-second-document"),
    pytest.param("a: 1\n---\nb: 2\n", "study.yaml:2:1 YAML syntax error: but found another "
                 "document", id="second-document"),
    pytest.param("a: [1, *x]\n", "study.yaml:1:8 YAML anchors and aliases", id="alias"),
    pytest.param("a:\n" + "  - " * 101 + "x\n", "study.yaml:2:399 lists and mappings are "
                 "nested more than 100 levels deep", id="deep-block-nesting"),
    pytest.param("? [a]\n: 1\nb: !!python/name:os.system x\n",
                 "study.yaml:1:3 keys must be plain words", id="complex-key"),
    pytest.param("a: 1\na: 2\n", "study.yaml:2:1 a: duplicate key", id="duplicate-key"),
])
def test_refusals_read_alike(text: str, expected: str,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    kind, problems = both(text, monkeypatch)
    assert kind == "problems" and problems[0].startswith(expected)


def test_yaml_1_1_scalars_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every plain scalar YAML 1.1 guesses a type for keeps its written text."""
    text = ("a: [yes, no, on, 1:30, 0x1F, 017, 1_000, .inf, -.inf, .nan, ~, null, 2025-01-01,"
            " 2025-13-45, 2025-01-01 10:00:00, 1e6, '1', \"yes\", !!str 12, !!float 1]\n"
            "yes: 1\n1.50: 2\n")
    kind, data, _, written = both(text, monkeypatch)
    assert kind == "parsed"
    assert data == ("{'a': [True, False, True, 90, 31, 15, 1000, inf, -inf, nan, None, None, "
                    "datetime.date(2025, 1, 1), '2025-13-45', datetime.datetime(2025, 1, 1, 10,"
                    " 0), '1e6', '1', 'yes', '12', 1.0], 'yes': 1, '1.50': 2}")
    assert dict(written)[("a", 3)] == "1:30" and dict(written)[("a", 19)] == "1"


def test_unreadable_characters_are_placed_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    text = BASE.replace("name: 柱上断路器", "name: 柱上\x1b断路器").replace("unit: kg}",
                                                                    "unit: kg, note: \x07}")
    problems = []
    for libyaml in (True, False):
        with monkeypatch.context() as patch:
            patch.setattr(yaml_reader, "LIBYAML", libyaml)
            problems.append([str(p) for p in text_checks.unreadable_character_problems(
                text, "study.yaml")])
    assert problems[0] == problems[1]
    assert [line.split(" ")[:2] for line in problems[0]] == [
        ["study.yaml:12:13", "products[0].name:"],
        ["study.yaml:17:62", "products[0].activities[2].note:"]]


def test_mutated_studies_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small edits of a study (YAML punctuation, tabs, marks, scalars YAML 1.1 reads as
    something else) are read alike, whether they break the file or not."""
    pieces = [": ", "- ", "? ", "?", "[", "]", "{", "}", ",", " #", "'", '"', "|", ">-",
              "\t", "\n", "\n  ", "!", "!!str ", "&a ", "*a", "%", "\\", "\r\n", "---",
              "...", "\ufeff", "\u2028", "yes", "1:30", "0x1F", ".inf", "2025-13-45", ":?",
              "http://x?y=1", "{a: }", "[a, ]", "\\ud83d"]
    sources = [BASE, (ROOT / "samples/ring-main-unit/study.yaml").read_text("utf-8")[:3000]]
    rng = random.Random(7)
    parsed = 0
    for _ in range(400):
        text = rng.choice(sources)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(pieces) + text[at + rng.choice([0, 0, 1]):]
        parsed += both(text, monkeypatch)[0] == "parsed"
    assert parsed > 40  # the edits left many a file readable, not only broken ones


@pytest.mark.parametrize(("written", "expected"), [
    ("!!timestamp soon", "study.yaml:3:11 report.issued: 'soon' is not a date"),
    ("!!float", "study.yaml:3:11 report.issued: '' is not a valid !!float\n"),
    ("!!int", "study.yaml:3:11 report.issued: '' is not a valid !!int\n"),
])
def test_an_explicit_tag_the_text_does_not_fit_is_reported(
        written: str, expected: str, tmp_path: Path) -> None:
    """PyYAML's constructors fail inside (AttributeError, IndexError) on such text; the
    field is reported, located, instead of a traceback."""
    study = tmp_path / "study.yaml"
    study.write_text(BASE.replace("issued: 2025-02-26", f"issued: {written}"), "utf-8")
    with pytest.raises(StudyError) as raised:
        loading.load_study(study)
    assert expected in str(raised.value).replace(str(tmp_path) + "/", "") + "\n"
