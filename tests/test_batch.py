"""cfpreport batch: many studies in worker processes, a summary that equals the results
JSON, and a rerun that builds exactly what changed (and finishes what a kill left)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from benchmarks.batch import GRIDS, make_studies
from cfpreport.batch import run_batch
from cfpreport.batch.inputs import Uses
from cfpreport.batch.progress import Progress
from cfpreport.batch.runner import Outcome
from cfpreport.calculation.stages import STAGES
from cfpreport.cli import main
from tests.conftest import RING_MAIN_UNIT, SAMPLES, XINGYUE, YUANYU, run

QUICK = ("json", "docx")  # where the PDF is not the point
STOPPED_BATCH = 24  # studies in a batch stopped half-way: more than it builds meanwhile
BROKEN_AMOUNT = "amount: 4.6241"


def broken_study(folder: Path) -> tuple[Path, int, int]:
    """A copy of XINGYUE with a negative amount; its path and the amount's line, column."""
    study = folder / "study.yaml"
    shutil.copytree(XINGYUE.parent, folder)
    text = XINGYUE.read_text(encoding="utf-8").replace("number: T410086-05", "number: BAD-1")
    text = text.replace(BROKEN_AMOUNT, "amount: -1", 1)
    study.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "amount: -1" in row)
    return study, line, text.splitlines()[line - 1].index("-1") + 1


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The samples, four generated studies of two products and one broken study, built
    once with `cfpreport batch --jobs 2` (JSON and Word): (studies, out, result, broken)."""
    root = tmp_path_factory.mktemp("catalogue")
    studies = root / "studies"
    for sample in (YUANYU, XINGYUE, RING_MAIN_UNIT):
        shutil.copytree(sample.parent, studies / sample.parent.name)
    make_studies(studies / "generated", 4, products=2)
    broken = broken_study(studies / "broken")
    # In this process, as the reruns of the tests below: each process hashes cfpreport's
    # code once, and a checkout edited meanwhile would rebuild everything.
    result = CliRunner().invoke(main, ["batch", str(studies), "-o", str(root / "out"),
                                       "--jobs", "2", "-f", ",".join(QUICK)])
    return studies, root / "out", result, broken


def copied(catalogue, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the built catalogue (studies and output folder) to change."""
    studies, out, _, _ = catalogue
    shutil.copytree(studies, tmp_path / "studies")
    shutil.copytree(out, tmp_path / "out")
    return tmp_path / "studies", tmp_path / "out"


def statuses(outcomes: list[Outcome]) -> dict[str, tuple[str, str]]:
    """{report number or study: (status, reason)} of a batch."""
    return {outcome.number or str(outcome.study): (outcome.status, outcome.reason)
            for outcome in outcomes}


def built(outcomes: list[Outcome]) -> dict[str, str]:
    return {outcome.number: outcome.reason for outcome in outcomes
            if outcome.status == "built"}


def hidden(out: Path) -> list[str]:
    """Leftovers: hidden files of the folder, and hidden ones among the build records."""
    found = [p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".cfpreport"]
    found += [f".cfpreport/{p.name}" for p in (out / ".cfpreport").iterdir()
              if not p.name.endswith(".json") or p.name.startswith(".")]
    return sorted(found)


# --- one batch ----------------------------------------------------------------------------

def test_a_batch_builds_every_good_study_and_lists_the_broken_one_by_line(catalogue):
    _, out, result, (broken, line, column) = catalogue
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    problem = f"{broken}:{line}:{column} products[0].activities[0].amount: must be >= 0 (got -1)"
    assert re.search(rf"^\[\d/8\] failed BAD-1 {re.escape(problem)}", result.output,
                     re.MULTILINE)  # as it happens
    assert any(line.startswith(problem) for line in lines)  # and at the end
    assert any(line.startswith("8 studies: 7 built, 0 unchanged, 1 failed") for line in lines)
    numbers = ["T4100013", "T410086-05", "CFP-DEMO-001", *(f"GEN-{i:04d}" for i in range(4))]
    for number in numbers:
        for fmt in QUICK:
            assert (out / f"{number}.{fmt}").is_file()
        assert (out / ".cfpreport" / f"{number}.json").is_file()
    assert not list(out.glob("BAD-1.*")) and hidden(out) == []


def test_every_summary_row_equals_its_results_json(catalogue):
    _, out, _, (broken, line, _) = catalogue
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    sheet = load_workbook(out / "summary.xlsx").active
    head = [cell.value for cell in sheet[1]]
    cells = [dict(zip(head, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(cells) == 1 + 2 + 1 + 1 + 4 * 2  # broken, products of each study
    for row, cell in zip(rows, cells, strict=True):
        if row["status"] == "failed":
            assert row["study"] == str(broken) and row["report number"] == "BAD-1"
            assert f"{broken}:{line}:" in row["detail"]
            continue
        document = json.loads((out / f"{row['report number']}.json").read_text("utf-8"))
        product = next(p for p in document["products"] if p["id"] == row["product id"])
        display = product["display"]
        expected = {"product": product["name"], "model": product["model"] or "",
                    "functional unit": product["functional_unit"], "unit": display["unit"],
                    "total": display["total"], "factor set": document["factor_set"]["name"],
                    "factor set version": document["factor_set"]["version"],
                    **{stage: display["stages"].get(stage, {}).get("value", "")
                       for stage in STAGES},
                    "status": "built", "revision": "1"}
        assert {key: row[key] for key in expected} == expected
        for key in ("total", *STAGES):  # numbers in the workbook, with the shown decimals
            if row[key]:
                assert isinstance(cell[key].value, int | float)  # 2093.00 reads back as 2093
                assert cell[key].value == float(row[key])
                assert cell[key].number_format == "0." + "0" * len(row[key].partition(".")[2])
        assert row["files"] == f"{row['report number']}.json; {row['report number']}.docx"


# --- reruns -------------------------------------------------------------------------------

def test_a_rerun_with_nothing_changed_builds_nothing_and_reads_no_kept_study(
        catalogue, tmp_path, monkeypatch):
    studies, out = copied(catalogue, tmp_path)  # moved: the same files elsewhere
    parsed, of_study = [], Uses.of_study

    def counting(path):
        parsed.append(path)
        return of_study(path)

    monkeypatch.setattr(Uses, "of_study", staticmethod(counting))
    outcomes = list(run_batch([studies], out, jobs=2, formats=QUICK))
    assert {outcome.status for outcome in outcomes if outcome.number != "BAD-1"} == {"skipped"}
    assert statuses(outcomes)["BAD-1"][0] == "failed"  # a failed study is tried again
    assert [Path(path).parent.name for path in parsed] == ["broken"]
    rows = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text("utf-8-sig"))))
    first = next(row for row in rows if row["report number"] == "T4100013")
    document = json.loads((out / "T4100013.json").read_text("utf-8"))
    assert (first["status"], first["total"]) == ("skipped",
                                                 document["products"][0]["display"]["total"])


def test_changing_a_factor_in_a_study_rebuilds_exactly_that_study(catalogue, tmp_path):
    studies, out = copied(catalogue, tmp_path)
    ring = studies / "ring-main-unit" / "study.yaml"
    text = ring.read_text(encoding="utf-8")
    ring.write_text(text.replace("value: 2.3\n", "value: 2.4\n", 1), encoding="utf-8")
    outcomes = list(run_batch([studies], out, jobs=2, formats=QUICK))
    assert built(outcomes) == {"CFP-DEMO-001": "the study file changed"}
    document = json.loads((out / "CFP-DEMO-001.json").read_text("utf-8"))
    steel = next(a for a in document["products"][0]["activities"]
                 if a["factor"] == "steel_plate")
    assert steel["factor_value"] == 2.4


def test_a_deleted_or_hand_edited_output_or_record_is_rebuilt(catalogue, tmp_path):
    studies, out = copied(catalogue, tmp_path)
    (out / "GEN-0001.docx").unlink()
    with (out / "GEN-0002.json").open("a", encoding="utf-8") as edited:
        edited.write(" ")
    (out / ".cfpreport" / "GEN-0003.json").write_text('{"format": "cfpreport.build/1"}')
    outcomes = list(run_batch([studies], out, jobs=2, formats=QUICK))
    assert built(outcomes) == {"GEN-0001": "GEN-0001.docx was deleted",
                               "GEN-0002": "GEN-0002.json was changed",
                               "GEN-0003": "new"}  # a damaged record is no record
    json.loads((out / "GEN-0002.json").read_text("utf-8"))  # whole again


def test_a_format_not_built_before_is_built_and_force_builds_all(catalogue, tmp_path):
    studies, out = copied(catalogue, tmp_path)
    (studies / "broken").rename(tmp_path / "broken")
    outcomes = list(run_batch([studies / "generated"], out, jobs=1, formats=("json", "html")))
    assert built(outcomes) == {f"GEN-{i:04d}": f"GEN-{i:04d}.html not built before"
                               for i in range(4)}
    outcomes = list(run_batch([studies / "generated"], out, jobs=1, formats=("json",),
                              force=True))
    assert built(outcomes) == {f"GEN-{i:04d}": "--force" for i in range(4)}


def set_value(text: str, factor_id: str, value: str) -> str:
    """A set file's text with one factor's value changed."""
    start = text.index(f"- id: {factor_id}\n")
    at = text.index("  value: ", start)
    end = text.index("\n", at)
    return text[:at] + f"  value: {value}" + text[end:]


def test_changing_a_set_factor_rebuilds_exactly_the_studies_that_use_it(tmp_path,
                                                                        monkeypatch):
    monkeypatch.chdir(tmp_path)
    run([sys.executable, "-m", "cfpreport", "factors", "export", "cn-2024", "-o", "set.yaml"])
    make_studies(tmp_path / "studies", 6, products=1)  # on GRIDS[i % 3] each
    options = {"jobs": 2, "formats": ("json",), "factor_set": "set.yaml"}
    first = list(run_batch([tmp_path / "studies"], "out", **options))
    assert [outcome.status for outcome in first] == ["built"] * 6

    text = Path("set.yaml").read_text(encoding="utf-8")
    Path("set.yaml").write_text(set_value(text, "electricity_grid_2021", "0.6"),
                                encoding="utf-8")  # no study uses it
    assert built(list(run_batch([tmp_path / "studies"], "out", **options))) == {}

    Path("set.yaml").write_text(set_value(text, GRIDS[0], "0.6"), encoding="utf-8")
    outcomes = list(run_batch([tmp_path / "studies"], "out", **options))
    assert built(outcomes) == {"GEN-0000": "the factors it uses changed",
                               "GEN-0003": "the factors it uses changed"}


def test_two_studies_with_one_report_number_the_second_fails_by_name(tmp_path):
    first, second = tmp_path / "a" / "study.yaml", tmp_path / "b" / "study.yaml"
    for study, name in ((first, "甲型电能计量箱"), (second, "乙型电能计量箱")):
        shutil.copytree(XINGYUE.parent, study.parent)
        study.write_text(XINGYUE.read_text("utf-8").replace("    name: 电能计量箱\n",
                                                            f"    name: {name}\n", 1), "utf-8")
    outcomes = list(run_batch([first, second], tmp_path / "out", jobs=2, formats=("json",)))
    by_study = {Path(outcome.study): outcome for outcome in outcomes}
    assert (by_study[first].status, by_study[second].status) == ("built", "failed")
    assert by_study[second].reason == (
        f"report number T410086-05 is also that of {first} in this batch; nothing written for "
        f"{second} into {tmp_path / 'out'}/ (give each study its own report number)")
    written = json.loads((tmp_path / "out" / "T410086-05.json").read_text("utf-8"))
    assert written["products"][0]["name"] == "甲型电能计量箱"


# --- the PDF, and the workers ----------------------------------------------------------------

def test_a_batch_s_report_is_that_of_a_single_build(tmp_path):
    from cfpreport.build import build_report

    outcomes = list(run_batch([YUANYU], tmp_path / "batch", jobs=1))
    assert [outcome.status for outcome in outcomes] == ["built"]
    record = build_report(YUANYU, tmp_path / "single")
    for fmt in ("pdf", "json"):  # the PDF rendered in the worker itself, byte for byte
        assert (tmp_path / "batch" / f"T4100013.{fmt}").read_bytes() == \
            record.outputs[fmt].read_bytes()


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="the test's stand-in job reaches the workers by fork")
def test_a_worker_that_dies_fails_its_study_and_the_others_are_built(tmp_path, monkeypatch):
    import cfpreport.batch.pool as pool

    real = pool.run_job

    def dies_on_xingyue(job):
        if "xingyue" in job.study:
            os._exit(9)
        return real(job)

    monkeypatch.setattr(pool, "run_job", dies_on_xingyue)
    outcomes = list(run_batch([SAMPLES], tmp_path / "out", jobs=2, formats=("json",)))
    assert [o.status for o in outcomes if o.number != "T410086-05"] == ["built", "built"]
    failed = next(o for o in outcomes if o.status == "failed")
    assert Path(failed.study).parent.name == "xingyue-bxd2-2025"
    assert "the worker process building it died (exit status 9)" in failed.reason


# --- stopping --------------------------------------------------------------------------------

def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wait_for(condition, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def records(out: Path) -> set[str]:
    folder = out / ".cfpreport"
    return {p.stem for p in folder.glob("*.json")} if folder.is_dir() else set()


def start_batch(studies: Path, out: Path) -> subprocess.Popen:
    # Ctrl-C as a terminal delivers it: a test run started in the background (`cmd &`
    # in a script) inherits SIGINT ignored, and Python then rightly keeps ignoring it.
    return subprocess.Popen([sys.executable, "-m", "cfpreport", "batch", str(studies), "-o",
                             str(out), "--jobs", "2", "-f", ",".join(QUICK)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=default_interrupt)


def default_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_sigkill_half_way_then_a_rerun_finishes_the_rest(tmp_path):
    make_studies(tmp_path / "studies", STOPPED_BATCH, products=1)
    out = tmp_path / "out"
    batch = start_batch(tmp_path / "studies", out)
    try:
        wait_for(lambda: len(records(out)) >= 2, what="two reports")
        workers = children(batch.pid)
        assert len(workers) == 2
    finally:
        batch.kill()
        batch.communicate()
    wait_for(lambda: all(map(gone, workers)), seconds=5, what="the workers to die")
    finished = records(out)
    assert 2 <= len(finished) < STOPPED_BATCH

    rerun = start_batch(tmp_path / "studies", out)  # a fresh process, as the first
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    said = {status: {line.split()[2] for line in stderr.splitlines()
                     if line.split()[1:2] == [status]} for status in ("skipped", "built")}
    assert said == {"skipped": finished,
                    "built": {f"GEN-{i:04d}" for i in range(STOPPED_BATCH)} - finished}
    assert hidden(out) == []
    assert len(list(out.glob("GEN-*.docx"))) == STOPPED_BATCH


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize(("signum", "to_group"), [(signal.SIGINT, True),
                                                  (signal.SIGTERM, False)])
def test_ctrl_c_or_sigterm_stops_cleanly_and_leaves_a_summary(tmp_path, signum, to_group):
    # Enough studies that the batch is still at work when the signal comes: with 8,
    # a quick machine had built them all first and the batch ended with status 0.
    make_studies(tmp_path / "studies", STOPPED_BATCH, products=1)
    out = tmp_path / "out"
    batch = start_batch(tmp_path / "studies", out)
    try:
        wait_for(lambda: records(out), what="a report")
        workers = children(batch.pid)
        os.killpg(batch.pid, signum) if to_group else batch.send_signal(signum)  # Ctrl-C: all
        _, stderr = batch.communicate(timeout=30)
    finally:
        batch.kill()
    assert batch.returncode == 128 + signum, stderr
    assert "interrupted; the reports written are kept" in stderr
    assert "Traceback" not in stderr
    wait_for(lambda: all(map(gone, workers)), seconds=5, what="the workers to die")
    assert hidden(out) == []
    finished = records(out)
    assert 1 <= len(finished) < STOPPED_BATCH  # it was stopped half-way
    rows = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text("utf-8-sig"))))
    assert {row["report number"] for row in rows} == finished
    for number in finished:
        assert json.loads((out / f"{number}.json").read_text("utf-8"))["report_number"] == number


# --- the command line ----------------------------------------------------------------------

def test_build_keeps_an_unchanged_report_unless_forced(tmp_path):
    out = tmp_path / "out"
    command = ["build", str(XINGYUE), "-o", str(out), "-f", "json"]
    outputs = [CliRunner().invoke(main, arguments).output
               for arguments in (command, command, [*command, "--force"])]
    assert [f"{XINGYUE}: unchanged, kept: {out}/T410086-05.json" in output
            for output in outputs] == [False, True, False]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    outcome = Outcome(Path("a/study.yaml"), "built", "new", "T-1")
    skipped = Outcome(Path("b/study.yaml"), "skipped", "unchanged", "T-2")
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = Progress(3, stream)
        progress.update(outcome)
        progress.update(skipped)
        progress.close()
    bar = terminal.getvalue().split("\r\x1b[K")[-1]
    assert bar.startswith("[####################----------] 2/3 · built 1 · failed 0 · "
                          "skipped 1 · remaining 1 · ")
    assert "/min · ETA " in bar
    assert log.getvalue().splitlines() == ["[1/3] built T-1 a/study.yaml (new)",
                                           "[2/3] skipped T-2 b/study.yaml (unchanged)"]


def test_an_error_that_stops_the_batch_starts_its_own_line_after_the_bar(monkeypatch, tmp_path):
    from cfpreport.batch import runner
    from cfpreport.errors import CfpError

    class LostScheduler:
        studies, outcomes = [Path("a/study.yaml"), Path("b/study.yaml")], {}

        def __init__(self, *args, **options) -> None:
            pass

        def run(self):
            yield Outcome(Path("a/study.yaml"), "built", "new", "T-1")
            raise CfpError("the Dask scheduler at tcp://x:8786 is gone")

    terminal, shown_on = Terminal(), Progress.__init__
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setattr(runner, "Batch", LostScheduler)
    monkeypatch.setattr(Progress, "__init__",
                        lambda self, total, stream=None: shown_on(self, total, terminal))
    result = CliRunner().invoke(main, ["batch", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    bar_and_after = terminal.getvalue().split("\r\x1b[K")[-1]
    assert bar_and_after.startswith("[###############---------------] 1/2 · built 1")
    assert bar_and_after.endswith("\n") and bar_and_after.count("\n") == 1
    assert "scheduler at tcp://x:8786 is gone" in result.output


def test_closing_the_progress_twice_ends_its_line_once():
    terminal = Terminal()
    progress = Progress(2, terminal)
    progress.update(Outcome(Path("a/study.yaml"), "built", "new", "T-1"))
    progress.close()
    progress.close()
    assert terminal.getvalue().count("\n") == 1


def test_editing_one_report_of_a_workbook_rebuilds_that_report_only(tmp_path):
    from cfpreport.input.conversion import convert_studies

    xingyue = tmp_path / "xingyue" / "study.yaml"
    shutil.copytree(XINGYUE.parent, xingyue.parent)
    book = tmp_path / "book.xlsx"
    convert_studies([YUANYU, xingyue], book)
    first = list(run_batch([book], tmp_path / "out", jobs=2, formats=("json",)))
    assert sorted(str(outcome.study) for outcome in first) == [f"{book}#T4100013",
                                                               f"{book}#T410086-05"]
    assert {outcome.status for outcome in first} == {"built"}

    xingyue.write_text(xingyue.read_text("utf-8").replace(BROKEN_AMOUNT, "amount: 5", 1),
                       "utf-8")
    convert_studies([YUANYU, xingyue], book, force=True)  # the whole workbook written anew
    outcomes = list(run_batch([book], tmp_path / "out", jobs=2, formats=("json",)))
    assert built(outcomes) == {"T410086-05": "the study file changed"}
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "summary.csv")
                                           .read_text("utf-8-sig"))))
    assert sorted(row["study"] for row in rows) == [f"{book}#T4100013", f"{book}#T4100013",
                                                    f"{book}#T410086-05"]


def test_build_keeps_an_unchanged_report_of_a_workbook(tmp_path):
    from cfpreport.input.conversion import convert_studies

    book = tmp_path / "book.xlsx"
    convert_studies([XINGYUE], book)
    command = ["build", str(book), "-o", str(tmp_path / "out"), "-f", "json"]
    outputs = [CliRunner().invoke(main, command).output for _ in range(2)]
    assert ["unchanged, kept" in output for output in outputs] == [False, True]
