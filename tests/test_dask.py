"""cfpreport batch --dask: the same batch on a Dask cluster whose workers see none of the
batch's files, the same summary, and a study whose worker dies built once elsewhere.

The cluster tests share one LocalCluster of two worker processes (a few seconds to
start); the others need no cluster.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cfpreport.batch import run_batch
from cfpreport.batch.dask_pool import TASK, DaskPool, build_parcel, environment
from cfpreport.batch.parcels import pack
from cfpreport.batch.runner import Batch
from cfpreport.batch.work import Job, run_job
from cfpreport.cli import main
from cfpreport.errors import CfpError
from tests.conftest import RING_MAIN_UNIT, XINGYUE, YUANYU

try:
    from distributed import WorkerPlugin
except ImportError:  # the cluster tests are skipped
    WorkerPlugin = object

QUICK = ("json", "docx")


def broken_study(folder: Path) -> tuple[Path, int]:
    """A copy of XINGYUE with a negative amount: its path and the amount's line."""
    shutil.copytree(XINGYUE.parent, folder)
    text = XINGYUE.read_text(encoding="utf-8").replace("number: T410086-05", "number: BAD-1")
    text = text.replace("amount: 4.6241", "amount: -1", 1)
    (folder / "study.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "amount: -1" in row)
    return folder / "study.yaml", line


def summary(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "summary.csv").read_text("utf-8-sig"))))


# --- without a cluster -------------------------------------------------------------------

def test_without_dask_nothing_of_it_is_imported(tmp_path):
    code = ("import sys\n"
            "import cfpreport.cli\n"
            "from cfpreport.batch import run_batch\n"
            "outcomes = list(run_batch([sys.argv[1]], sys.argv[2], jobs=1, formats=['json']))\n"
            "assert [o.status for o in outcomes] == ['built'], outcomes\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    done = subprocess.run([sys.executable, "-c", code, str(YUANYU), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_dask_missing_is_one_line_saying_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    result = CliRunner().invoke(main, ["batch", str(YUANYU), "-o", str(tmp_path / "out"),
                                       "--dask", "tcp://127.0.0.1:1"])
    assert result.exit_code == 1
    assert result.output == ("error: --dask needs Dask, which is not installed here: "
                             "pip install 'cfpreport[dask]'\n")


def test_a_parcel_builds_where_none_of_the_study_s_files_are(tmp_path, monkeypatch):
    """Its own style, set file and image travel with it; its messages name the paths as
    a build here does."""
    work = tmp_path / "work"
    shutil.copytree(RING_MAIN_UNIT.parent, work / "rmu")
    runner = CliRunner()
    monkeypatch.chdir(work)
    assert runner.invoke(main, ["style", "init", "house"]).exit_code == 0
    (work / "sets").mkdir()
    assert runner.invoke(main, ["factors", "export", "cn-2024", "-o", "sets/our.yaml"]
                         ).exit_code == 0
    text = (work / "rmu/study.yaml").read_text(encoding="utf-8")
    text = text.replace("factor_set: cn-2024", "factor_set: ../sets/our.yaml")
    (work / "rmu/study.yaml").write_text(text.replace(
        "  number: CFP-DEMO-001\n", "  number: CFP-DEMO-001\n  style: ../house\n"), "utf-8")
    (work / "house/report.css").write_text("h1 { color: #123456; }\n", encoding="utf-8")
    broken, line = broken_study(work / "broken")
    assert runner.invoke(main, ["convert", str(YUANYU), "-o", "book.xlsx"]).exit_code == 0
    jobs = [Job(0, "rmu/study.yaml", ("json", "docx", "html")),
            Job(1, str(broken.relative_to(work)), QUICK), Job(2, "book.xlsx#T4100013", QUICK)]
    here = [run_job(job) for job in jobs]
    parcels = [pack(job, environment()) for job in jobs]
    work.rename(tmp_path / "away")  # the worker sees none of it

    there = [build_parcel(parcel) for parcel in parcels]
    assert "#123456" in there[0].files["CFP-DEMO-001.html"].decode()
    assert there[0].files == here[0].files
    assert there[0].warnings == here[0].warnings
    assert there[1].error == here[1].error
    assert there[1].error.startswith(f"broken/study.yaml:{line}:")
    assert there[2].files == here[2].files and there[2].number == "T4100013"


def test_a_worker_with_another_cfpreport_refuses_the_study():
    ours = environment()
    older = {**ours, "cfpreport": {**ours["cfpreport"], "version": "0.0.1"},
             "fonts": "another"}
    result = build_parcel(pack(Job(0, str(YUANYU), QUICK), older))
    assert not result.files
    assert "does not build with the cfpreport of this machine" in result.error
    assert f"cfpreport {ours['cfpreport']['version']} there, 0.0.1 here" in result.error
    assert "the fonts differ" in result.error


def test_a_lost_scheduler_stops_the_batch():
    """A study cancelled by the cluster is not at fault: the batch stops, as at Ctrl-C."""
    distributed = pytest.importorskip("distributed")

    class Cancelled:
        def result(self):
            raise distributed.client.FutureCancelledError("k", "scheduler-connection-lost")

    pool = DaskPool.__new__(DaskPool)  # the pool's reading of results, without a cluster
    pool.address = "tcp://scheduler:8786"
    with pytest.raises(CfpError, match=r"^--dask tcp://scheduler:8786: lost the Dask "
                                       r"scheduler \(scheduler-connection-lost\)"):
        pool.result_of(Job(0, str(YUANYU), QUICK), Cancelled())


# --- on a cluster of two worker processes -------------------------------------------------

@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two single-threaded worker processes; none is left after it."""
    distributed = pytest.importorskip("distributed")
    import psutil

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as local:
        yield local
    started = [p for p in psutil.Process().children(recursive=True) if p.pid not in before
               and "resource_tracker" not in " ".join(p.cmdline())]
    _, alive = psutil.wait_procs(started, timeout=10)
    assert not alive, f"processes left by the cluster: {alive}"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The samples and a broken study: (folder, the broken study, its line)."""
    root = tmp_path_factory.mktemp("dask")
    for sample in (YUANYU, XINGYUE, RING_MAIN_UNIT):
        shutil.copytree(sample.parent, root / "studies" / sample.parent.name)
    broken, line = broken_study(root / "studies" / "broken")
    return root / "studies", broken, line


def test_a_batch_on_a_cluster_is_the_local_batch(cluster, catalogue, tmp_path):
    """The same summary and reports as `--jobs 2` (JSON and Word; the PDFs are built in
    the next test), the broken study by its line; a rerun through the command line
    builds nothing."""
    studies, broken, line = catalogue
    local = list(run_batch([studies], tmp_path / "local", jobs=2, formats=QUICK))
    remote = list(run_batch([studies], tmp_path / "dask", formats=QUICK,
                            dask=cluster.scheduler_address))

    assert summary(tmp_path / "dask") == summary(tmp_path / "local")
    assert sorted(remote, key=str) == sorted(
        [outcome.__class__(**{**vars(outcome), "outputs": {
            kind: tmp_path / "dask" / path.name for kind, path in outcome.outputs.items()}})
         for outcome in local], key=str)
    failed = [outcome for outcome in remote if outcome.status == "failed"]
    assert [str(outcome.study) for outcome in failed] == [str(broken)]
    assert failed[0].reason.startswith(f"{broken}:{line}:")
    for report in (tmp_path / "local").glob("*.*"):
        if report.suffix == ".json":
            assert (tmp_path / "dask" / report.name).read_bytes() == report.read_bytes()
        elif report.suffix == ".docx":
            assert document_xml(tmp_path / "dask" / report.name) == document_xml(report)

    rerun = CliRunner().invoke(main, ["batch", str(studies), "-o", str(tmp_path / "dask"),
                                      "-f", ",".join(QUICK), "--dask",
                                      cluster.scheduler_address])
    assert rerun.exit_code == 1
    assert f"{broken}:{line}:" in rerun.output
    statuses = {row["study"]: (row["status"], row["detail"])
                for row in summary(tmp_path / "dask")}
    assert statuses == {str(outcome.study): ("failed", outcome.reason) if outcome is failed[0]
                        else ("skipped", "unchanged") for outcome in remote}


def document_xml(docx: Path) -> bytes:
    with zipfile.ZipFile(docx) as archive:
        return archive.read("word/document.xml")


class KillOnce(WorkerPlugin):
    """A worker plugin: the first worker to start a cfpreport task dies during it."""

    name = "cfpreport-test-kill-once"

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def transition(self, key, start, finish, **kwargs) -> None:
        if finish != "executing" or not str(key).startswith(TASK):
            return
        with open(os.path.join(self.folder, "started"), "a") as log:
            log.write(f"{key} {os.getpid()}\n")
        try:
            os.close(os.open(os.path.join(self.folder, "killed"), os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return
        pid = os.getpid()  # half a second into its study, the build is under way
        threading.Timer(0.5, os.kill, (pid, signal.SIGKILL)).start()


def test_a_study_whose_worker_dies_is_built_once_elsewhere(cluster, tmp_path, monkeypatch):
    from distributed import Client

    writes = []
    write = Batch.write
    monkeypatch.setattr(Batch, "write", lambda self, study, result, inputs: (
        writes.append(study), write(self, study, result, inputs))[1])
    with Client(cluster.scheduler_address) as client:
        client.register_plugin(KillOnce(str(tmp_path)))
        try:
            outcomes = list(run_batch([YUANYU, RING_MAIN_UNIT], tmp_path / "out",
                                      formats=("pdf", "json"), dask=cluster.scheduler_address))
        finally:
            client.unregister_worker_plugin(KillOnce.name)
        workers = client.run(os.getpid)

    started = (tmp_path / "started").read_text().splitlines()
    killed_key, killed_pid = started[0].split()
    assert (tmp_path / "killed").exists()
    assert [line.split()[0] for line in started].count(killed_key) == 2  # run again
    assert int(killed_pid) not in workers.values()
    assert sorted((o.status, o.number) for o in outcomes) == [
        ("built", "CFP-DEMO-001"), ("built", "T4100013")], [o.reason for o in outcomes]
    assert sorted(map(str, writes)) == sorted(map(str, [YUANYU, RING_MAIN_UNIT]))  # once each
    assert sorted(p.name for p in (tmp_path / "out" / ".cfpreport").iterdir()) == [
        "CFP-DEMO-001.json", "T4100013.json"]
    assert (tmp_path / "out" / "CFP-DEMO-001.pdf").read_bytes().startswith(b"%PDF-")


def test_pact_files_one_per_product_come_back_from_a_cluster_as_built_here(cluster, tmp_path):
    """A format of several files (pact: two per product) travels like the others: the
    same names, bytes and outcome as a local batch, and a rerun keeps them all."""
    shutil.copytree(RING_MAIN_UNIT.parent, tmp_path / "studies" / "rmu")
    formats = ("json", "pact")
    [local] = run_batch([tmp_path / "studies"], tmp_path / "local", jobs=1, formats=formats)
    [remote] = run_batch([tmp_path / "studies"], tmp_path / "dask", formats=formats,
                         dask=cluster.scheduler_address)
    assert remote.status == local.status == "built"
    assert sorted(remote.outputs) == sorted(local.outputs) == [
        "CFP-DEMO-001.rmu12.pact-v2.json", "CFP-DEMO-001.rmu12.pact-v3.json", "json"]
    for key, path in local.outputs.items():
        assert remote.outputs[key].read_bytes() == path.read_bytes()
    [again] = run_batch([tmp_path / "studies"], tmp_path / "dask", formats=formats,
                        dask=cluster.scheduler_address)
    assert (again.status, sorted(again.outputs)) == ("skipped", sorted(remote.outputs))
