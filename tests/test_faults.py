"""Faults while writing a report: a kill mid-build or between renames, a read-only or
full output folder, two builds at once. Each leaves either the old set of files or the
new one, never a mix; no temporary file and no process outlives it; the user gets one
line naming the path.

Real faults where this machine allows them (SIGKILL, read-only bind mounts and a tiny
tmpfs need root), and the same faults simulated at the system-call level everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cfpreport.build import build_report
from cfpreport.cli import main
from tests.conftest import RING_MAIN_UNIT, XINGYUE

NUMBER = "T410086-05"  # the report number of XINGYUE and of every variant below
PRODUCT = "电能计量箱"


def variant(tmp_path: Path, folder: str, product: str = PRODUCT) -> Path:
    """A copy of the XINGYUE study whose product has another name (same report number)."""
    study = tmp_path / folder / "study.yaml"
    shutil.copytree(XINGYUE.parent, study.parent)
    text = study.read_text(encoding="utf-8")
    study.write_text(text.replace(f"    name: {PRODUCT}\n", f"    name: {product}\n", 1),
                     encoding="utf-8")
    return study


def products(out: Path) -> dict[str, str]:
    """The product each of a report's files is about: {suffix: product name}."""
    found = {}
    if (out / f"{NUMBER}.json").exists():
        found["json"] = json.loads((out / f"{NUMBER}.json").read_text("utf-8"))["products"][0][
            "name"]
    if (out / f"{NUMBER}.docx").exists():
        title = docx.Document(str(out / f"{NUMBER}.docx")).core_properties.title
        found["docx"] = title.partition("：")[2]
    if (out / f"{NUMBER}.pdf").exists():
        found["pdf"] = PdfReader(out / f"{NUMBER}.pdf").metadata.title.partition("：")[2]
    return found


def hidden(out: Path) -> list[str]:
    """Temporary files, staging folders, journals and locks left in a folder (the build
    records in .cfpreport/ are no leftovers; a temporary file among them is)."""
    records = out / ".cfpreport"
    found = [p.name for p in out.iterdir() if p.name.startswith(".") and p != records]
    if records.is_dir():
        found += [f".cfpreport/{p.name}" for p in records.iterdir() if p.name.startswith(".")]
    return sorted(found)


def cli(*args: str | Path) -> subprocess.Popen:
    """Start `python -m cfpreport ...` in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "cfpreport", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# The CLI in a process of its own that stops at a given point of the write phase.
HOOKED = """
import os, signal, sys, time
from cfpreport import output
from cfpreport.cli import main

hook, args = sys.argv[1], sys.argv[2:]
real_replace, real_write = os.replace, output.write_file
real_commit, real_enter = output.ReportOutput.commit, output.ReportOutput.__enter__

def replace(source, target, **kwargs):  # killed after the first file is renamed into place
    real_replace(source, target, **kwargs)
    if not os.path.basename(target).startswith("."):
        os.kill(os.getpid(), signal.SIGKILL)

def write_file(path, data):  # killed with every file staged, before the journal
    if path.name == "journal.tmp":
        os.kill(os.getpid(), signal.SIGKILL)
    real_write(path, data)

def go_on_when_told():
    while not os.path.exists(os.environ["CFP_GO_ON"]):
        time.sleep(0.02)

def commit(self, files):  # holds the lock until told to go on
    go_on_when_told()
    return real_commit(self, files)

def enter(self):  # takes the lock when told to
    go_on_when_told()
    return real_enter(self)

if hook == "kill-after-first-rename":
    os.replace = replace
elif hook == "kill-before-journal":
    output.write_file = write_file
elif hook == "hold-the-lock":
    output.ReportOutput.commit = commit
elif hook == "lock-when-told":
    output.ReportOutput.__enter__ = enter
main(args, prog_name="cfpreport")
"""


def hooked(hook: str, *args: str | Path, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOOKED, hook, *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def wait_for(condition, seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


# --- kills -------------------------------------------------------------------------

@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_sigkill_mid_build_leaves_no_worker_and_the_next_build_no_leftover(tmp_path):
    out = tmp_path / "out"
    build = cli("build", XINGYUE, "-o", out)
    try:
        # The lock appears once the study is priced, just before the PDF is laid out.
        wait_for(lambda: (out / f".{NUMBER}.lock").exists(), what="the build to lock")
        workers = children(build.pid)
        assert workers, "the build has no PDF worker"
        time.sleep(0.4)
    finally:
        build.kill()
        build.communicate()
    wait_for(lambda: not any(map(running, workers)), seconds=3, what="the worker to die")

    build_report(RING_MAIN_UNIT, out, ["json"])  # any later build into the folder cleans up
    assert hidden(out) == []
    assert sorted(p.name for p in out.iterdir()) == [".cfpreport", "CFP-DEMO-001.json"]


def test_a_kill_between_renames_is_finished_by_the_next_build(tmp_path):
    old, new = variant(tmp_path, "old"), variant(tmp_path, "new", "新型电能计量箱")
    out = tmp_path / "out"
    build_report(old, out, ["docx", "json"])
    killed = hooked("kill-after-first-rename", "build", new, "-o", out, "-f", "json,docx")
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    # the fault as found: the new JSON beside the old Word file
    assert products(out) == {"docx": PRODUCT, "json": "新型电能计量箱"}

    build_report(RING_MAIN_UNIT, out, ["json"])  # a build of another report, same folder
    assert products(out) == {"docx": "新型电能计量箱", "json": "新型电能计量箱"}
    assert hidden(out) == []


def test_a_kill_before_the_files_are_committed_leaves_the_old_set(tmp_path):
    old, new = variant(tmp_path, "old"), variant(tmp_path, "new", "新型电能计量箱")
    out = tmp_path / "out"
    build_report(old, out, ["docx", "json"])
    killed = hooked("kill-before-journal", "build", new, "-o", out, "-f", "docx,json")
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert any(name.startswith(".cfpreport-staging-") for name in hidden(out))

    build_report(new, out, ["json"])  # the next build of the same report
    assert products(out) == {"docx": PRODUCT, "json": "新型电能计量箱"}
    assert hidden(out) == []


# --- read-only and full folders ----------------------------------------------------

def run_build(*args: str | Path) -> tuple[int, list[str]]:
    """`cfpreport build ...` in this process: exit status and the lines it printed."""
    result = CliRunner().invoke(main, ["build", *map(str, args)])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    return result.exit_code, result.output.splitlines()


def mount(*args: str) -> bool:
    """Run mount(8); False where this machine does not allow it (not root, a container)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if not mount("--bind", str(folder), str(folder)):
        pytest.skip("cannot bind-mount here; test_write_errors_are_one_line simulates it")
    try:
        if not mount("-o", "remount,ro,bind", str(folder)):
            pytest.skip("cannot remount read-only here; simulated below")
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def full_folder(tmp_path):
    folder = tmp_path / "full"
    folder.mkdir()
    if not mount("-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)):
        pytest.skip("cannot mount a tmpfs here; test_write_errors_are_one_line simulates it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_output_folder_is_one_line(read_only_folder, monkeypatch):
    monkeypatch.chdir(read_only_folder.parent)
    for out in ("ro", "ro/reports"):
        assert run_build(XINGYUE, "-o", out, "-f", "docx,json") == (
            1, [f"error: cannot write into {out}/: read-only file system (EROFS)"])


def test_a_full_output_folder_is_one_line_and_leaves_nothing(full_folder, monkeypatch):
    monkeypatch.chdir(full_folder.parent)
    # the Word file (~220 kB) does not fit into 200 kB
    code, lines = run_build(XINGYUE, "-o", "full/out", "-f", "json,docx")
    assert code == 1
    assert lines[-1] == (f"{XINGYUE}: not built: cannot write full/out/{NUMBER}.docx: "
                         f"no space left on device (ENOSPC)")
    assert list(full_folder.iterdir()) == []  # no temporary, no lock, no empty folder


def test_output_under_a_file_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("report.pdf").write_bytes(b"%PDF-")
    assert run_build(XINGYUE, "-o", "report.pdf/out") == (
        1, ["error: cannot write into report.pdf/out/: report.pdf is a file, not a folder"])


def fail_writes_into(folder: Path, error: int, after: int = 0):
    """Make os.write fail with ``error`` for files under ``folder`` after ``after`` bytes."""
    real_write, written = os.write, {}

    def write(fd, data):
        try:
            target = Path(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            target = None
        if target and target.is_relative_to(folder):
            written[fd] = written.get(fd, 0) + len(data)
            if written[fd] > after:
                raise OSError(error, os.strerror(error))
        return real_write(fd, data)

    return write


def fail_creating_in(folder: Path, error: int):
    """Make os.open (for writing) and os.mkdir fail with ``error`` under ``folder``."""
    real_open, real_mkdir = os.open, os.mkdir

    def refuse(path):
        if Path(path).absolute().is_relative_to(folder):
            raise OSError(error, os.strerror(error), str(path))

    def open_(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real_open(path, flags, *args, **kwargs)

    def mkdir(path, *args, **kwargs):
        refuse(path)
        return real_mkdir(path, *args, **kwargs)

    return open_, mkdir


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
@pytest.mark.parametrize(("error", "message"), [
    (errno.ENOSPC, "no space left on device (ENOSPC)"),
    (errno.EIO, "input/output error (EIO)"),
])
def test_write_errors_are_one_line_and_keep_the_old_set(tmp_path, monkeypatch, error,
                                                        message):
    monkeypatch.chdir(tmp_path)
    old, new = variant(tmp_path, "old"), variant(tmp_path, "new", "新型电能计量箱")
    build_report(old, "out", ["docx", "json"])
    # past the results JSON (15 kB with its uncertainty analysis), inside the docx (200 kB)
    monkeypatch.setattr(os, "write", fail_writes_into(tmp_path / "out", error,
                                                      after=64 * 1024))
    code, lines = run_build(new, "-o", "out", "-f", "json,docx")
    assert (code, lines[-1]) == (1, f"{new}: not built: cannot write out/{NUMBER}.docx: "
                                    f"{message}")
    assert products(tmp_path / "out") == {"docx": PRODUCT, "json": PRODUCT}
    assert hidden(tmp_path / "out") == []


@pytest.mark.parametrize(("error", "message"), [
    (errno.EROFS, "read-only file system (EROFS)"),
    (errno.EACCES, "permission denied (EACCES)"),  # root ignores permission bits
])
def test_a_folder_refusing_new_files_is_one_line(tmp_path, monkeypatch, error, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    open_, mkdir = fail_creating_in(tmp_path / "out", error)
    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "mkdir", mkdir)
    assert run_build(XINGYUE, "-o", "out", "-f", "json") == (
        1, [f"{XINGYUE}: not built: cannot write into out/: {message}"])
    assert list((tmp_path / "out").iterdir()) == []


# --- two builds at once ------------------------------------------------------------

def test_a_second_build_of_the_same_number_is_told_at_once(tmp_path):
    first, second = variant(tmp_path, "a"), variant(tmp_path, "b", "新型电能计量箱")
    out, go_on = tmp_path / "out", tmp_path / "go-on"
    holder = hooked("hold-the-lock", "build", first, "-o", out, "-f", "json",
                    env={"CFP_GO_ON": str(go_on)})
    refused = hooked("lock-when-told", "build", second, "-o", out, "-f", "json",
                     env={"CFP_GO_ON": str(tmp_path / "locked")})
    try:
        lock = out / f".{NUMBER}.lock"
        wait_for(lambda: lock.exists() and str(first) in lock.read_text("utf-8"),
                 what="the first build to lock")
        (tmp_path / "locked").touch()
        _, stderr = refused.communicate(timeout=60)
        assert refused.returncode == 1
        assert stderr.splitlines()[-1] == (
            f"{second}: not built: another cfpreport build is writing {NUMBER} into {out}/ "
            f"(started by {first}); try again when it has finished")
    finally:
        go_on.touch()
        holder.communicate(timeout=60)
        refused.communicate(timeout=60)
    assert holder.returncode == 0
    assert products(out) == {"json": PRODUCT}
    assert hidden(out) == []


def test_two_builds_racing_leave_one_whole_set(tmp_path):
    studies = [variant(tmp_path, "a"), variant(tmp_path, "b", "新型电能计量箱")]
    out = tmp_path / "out"
    builds = [cli("build", study, "-o", out, "-f", "docx,json") for study in studies]
    outcomes = [(build.wait(timeout=60), build.stderr.read()) for build in builds]
    for build in builds:
        build.stdout.close()
        build.stderr.close()
    assert any(code == 0 for code, _ in outcomes), outcomes
    for code, stderr in outcomes:
        assert code == 0 or "another cfpreport build is writing" in stderr, stderr
    assert len(set(products(out).values())) == 1  # one study's files, not a mix
    assert hidden(out) == []


# --- the transaction itself, without rendering ---------------------------------------

def write_set(out: Path, number: str, text: str, study: str = "study.yaml") -> None:
    from cfpreport.output import OutputFolder

    with OutputFolder(out).report(number, Path(study)) as output:
        output.commit({f"{number}.{suffix}": f"{text} {suffix}".encode()
                       for suffix in ("pdf", "docx", "json")})


def contents(out: Path) -> dict[str, str]:
    """The report files of a folder and their text."""
    return {p.name: p.read_text() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def test_a_failed_rename_is_an_error_and_the_next_build_finishes_the_set(tmp_path,
                                                                          monkeypatch):
    from cfpreport.errors import OutputError

    out = tmp_path / "out"
    write_set(out, "T-1", "old")
    real_replace, renamed = os.replace, []

    def replace(source, target):  # the second rename into place fails
        if not Path(target).name.startswith("."):
            if renamed:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            renamed.append(target)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match=r"cannot finish writing T-1 into .*out/: "
                                          r"input/output error \(EIO\); the next build"):
        write_set(out, "T-1", "new")
    monkeypatch.setattr(os, "replace", real_replace)
    assert contents(out)["T-1.pdf"] == "new pdf" and contents(out)["T-1.docx"] == "old docx"

    write_set(out, "T-2", "other")  # any build into the folder
    assert {name: text for name, text in contents(out).items() if "T-1" in name} == {
        "T-1.docx": "new docx", "T-1.json": "new json", "T-1.pdf": "new pdf"}
    assert hidden(out) == []


def test_leftovers_are_cleaned_but_a_user_s_own_hidden_files_are_not(tmp_path):
    from cfpreport.output import OutputFolder

    out = tmp_path / "out"
    out.mkdir()
    (out / ".T-1.lock").write_text('{"study": "a/study.yaml", "pid": 1}')  # a killed build's
    (out / ".T-2.lock").write_text("")
    (out / ".T-3.pdf.k2j3h1x_").write_bytes(b"%PDF-")  # an older version's temporary
    (out / ".cfpreport-staging-T-4-0123abcd").mkdir()
    (out / ".cfpreport-staging-T-4-0123abcd" / "T-4.pdf").write_bytes(b"%PDF-")
    (out / ".tool.lock").write_text("pid 4242")  # not ours
    (out / ".notes").write_text("mine")
    OutputFolder(out)
    assert hidden(out) == [".T-3.pdf.k2j3h1x_", ".notes", ".tool.lock"]
    write_set(out, "T-3", "new")  # a number's old temporaries go when it is written
    assert hidden(out) == [".notes", ".tool.lock"]


def test_a_journal_pointing_outside_the_folder_is_not_followed(tmp_path):
    from cfpreport.output import OutputFolder

    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "secret").write_text("keep")
    (out / ".T-1.commit.json").write_text(json.dumps(
        {"format": "cfpreport.commit/1", "staging": "..", "files": ["secret"]}))
    OutputFolder(out)
    assert (tmp_path / "secret").read_text() == "keep"
    assert list(out.iterdir()) == []


def test_the_lock_is_per_report_number_and_names_its_holder(tmp_path):
    from cfpreport.errors import OutputBusyError
    from cfpreport.output import OutputFolder

    out = tmp_path / "out"
    folder = OutputFolder(out)
    with folder.report("T-1", Path("a/study.yaml")):
        with folder.report("T-2", Path("b/study.yaml")):  # another number: no conflict
            pass
        with pytest.raises(OutputBusyError, match=r"another cfpreport build is writing T-1 "
                                                  r"into .*out/ \(started by a/study.yaml\)"):
            OutputFolder(out).report("T-1", Path("c/study.yaml")).__enter__()
    assert not out.exists()  # nothing was written: the folder it made is gone
