"""Write a report's files into the output folder as one set, under a lock.

A report is several files (``T-1.pdf``, ``T-1.docx``, ``T-1.json``) that must agree.
They are written as a small transaction, so that a kill, a full disk or a second
build at the same time never leaves a mix of two builds or a half-written file:

1. **Lock.** ``OUTDIR/.<number>.lock`` is locked (``flock``, exclusive, non-blocking)
   from the moment the report number is known until the files are in place; a second
   build of the same number into the folder is refused at once, naming the study that
   holds the lock (written into the lock file). The lock file is removed on release.
2. **Stage.** Every file is written whole into ``OUTDIR/.cfpreport-staging-<number>-<hex>/``
   and flushed to disk (``fsync``).
3. **Journal.** ``OUTDIR/.<number>.commit.json`` names the staging folder and the
   files; it appears atomically (written in the staging folder, then renamed).
4. **Rename** each staged file over its target, then remove the journal and the
   staging folder.

Before writing, and when a build starts, leftovers are recovered under the same lock:
a journal is rolled forward (the renames it lists are finished, so the new set is
complete), and staging folders without a journal are deleted (the old set stays).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from cfpreport.errors import DuplicateReportError, OutputBusyError, OutputError
from cfpreport.render import MULTI_FILE, format_of

log = logging.getLogger("cfpreport")

STAGING_PREFIX = ".cfpreport-staging-"
STAGING = re.compile(r"^\.cfpreport-staging-(?P<number>.+)-[0-9a-f]{8}$")
JOURNAL = re.compile(r"^\.(?P<number>.+)\.commit\.json$")
LOCK = re.compile(r"^\.(?P<number>.+)\.lock$")
JOURNAL_FORMAT = "cfpreport.commit/1"
SUFFIXES = ("pdf", "docx", "json", "html")
# Temporary files of earlier versions (tempfile.mkstemp beside the target).
OLD_TEMPORARY = r"^\.{number}\.(pdf|docx|json|html)\.[a-z0-9_]{{8}}(\.tmp)?$"


def reason(error: OSError) -> str:
    """Say what went wrong in words and by name: "no space left on device (ENOSPC)"."""
    if error.errno is None:
        return str(error)
    text = os.strerror(error.errno)
    name = errno.errorcode.get(error.errno)
    text = text[:1].lower() + text[1:]
    return f"{text} ({name})" if name else text


def folder_name(path: Path) -> str:
    return str(path).rstrip(os.sep) + os.sep


class OutputFolder:
    """One run's output folder: checked once, its leftovers recovered, and each report
    number written at most once per run (a second study with the same number is refused).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.written: dict[str, Path] = {}  # report number -> study written in this run
        check_folder(self.path)
        recover_folder(self.path)

    def report(self, number: str, study: str | Path) -> ReportOutput:
        """Lock ``number`` in the folder for writing the report of ``study``."""
        self.refuse_duplicate(number)
        return ReportOutput(self, number, Path(study))

    def claim(self, number: str, study: str | Path) -> None:
        """Count ``number`` as written by ``study`` in this run, its files kept as an
        earlier run wrote them (a rebuild found nothing changed)."""
        self.refuse_duplicate(number)
        self.written[number] = Path(study)

    def refuse_duplicate(self, number: str) -> None:
        if number in self.written:
            raise DuplicateReportError(
                f"report number {number} was already written into {folder_name(self.path)} "
                f"by {self.written[number]} in this run; nothing written (give each study "
                f"its own report number)")


def check_folder(path: Path) -> None:
    """Refuse an output folder that cannot be made or written, before any work is done."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"cannot write into {folder_name(path)}: {existing} is a file, "
                          f"not a folder")
    problem = None
    if os.statvfs(existing).f_flag & os.ST_RDONLY:
        problem = errno.EROFS
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = errno.EACCES
    if problem:
        raise OutputError(f"cannot write into {folder_name(path)}: "
                          f"{reason(OSError(problem, ''))}")


class ReportOutput:
    """The lock on one report number in a folder, and the commit of its files.

    Use as a context manager: entering takes the lock (and recovers this number's
    leftovers), :meth:`commit` writes the files as one set or, failing, cleans up what
    it staged; leaving releases the lock and, if nothing was committed, removes the
    folders the build made.
    """

    def __init__(self, folder: OutputFolder, number: str, study: Path) -> None:
        self.folder, self.number, self.study = folder, number, study
        self.path = folder.path
        self.lock: Lock | None = None
        self.created: Path | None = None  # the topmost folder this build made

    def __enter__(self) -> ReportOutput:
        try:
            for attempt in range(3):  # another build may remove the folder it made
                self.created = make_folder(self.path) or self.created
                try:
                    self.lock = Lock.take(self.path, self.number, self.study)
                    break
                except FileNotFoundError:
                    if attempt == 2:
                        raise
            recover(self.path, self.number)
        except OSError as error:
            self.__exit__(None, None, None)
            raise OutputError(f"cannot write into {folder_name(self.path)}: "
                              f"{reason(error)}") from None
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None
        if self.created is not None and self.number not in self.folder.written:
            remove_empty_folders(self.created, self.path)

    def commit(self, files: dict[str, bytes]) -> dict[str, Path]:
        """Write ``{name: bytes}`` into the folder as one set; return the final paths."""
        staging = self.stage(files)
        journal = self.path / f".{self.number}.commit.json"
        try:
            entry = {"format": JOURNAL_FORMAT, "staging": staging.name, "files": list(files)}
            write_file(staging / "journal.tmp", json.dumps(entry).encode("utf-8"))
            os.replace(staging / "journal.tmp", journal)
            sync_folder(self.path)
        except BaseException as error:
            journal.unlink(missing_ok=True)
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(error, OSError):
                raise OutputError(f"cannot write into {folder_name(self.path)}: "
                                  f"{reason(error)}") from None
            raise
        try:
            roll_forward(self.path, self.number, entry)
        except OSError as error:
            raise OutputError(f"cannot finish writing {self.number} into "
                              f"{folder_name(self.path)}: {reason(error)}; the next build "
                              f"into that folder completes it") from None
        self.folder.written[self.number] = self.study
        return {name: self.path / name for name in files}

    def stage(self, files: dict[str, bytes]) -> Path:
        """Write every file whole into a new staging folder beside the targets."""
        staging = self.path / f"{STAGING_PREFIX}{self.number}-{secrets.token_hex(4)}"
        name = None
        try:
            os.mkdir(staging, 0o700)
            for name, data in files.items():
                write_file(staging / name, data)
            name = None
            sync_folder(staging)
        except BaseException as error:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(error, OSError):
                where = self.path / name if name else f"into {folder_name(self.path)}"
                raise OutputError(f"cannot write {where}: {reason(error)}") from None
            raise
        return staging


def replace_file(path: Path, data: bytes) -> None:
    """Write one file whole: to a hidden temporary beside it, flushed, then renamed."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        write_file(temporary, data)
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {reason(error)}") from None
        raise


def write_file(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) with ``data``, flushed to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(path: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno != errno.EINVAL:  # a file system that cannot flush folders
            raise
    finally:
        os.close(fd)


def make_folder(path: Path) -> Path | None:
    """Make ``path`` and its missing parents; return the topmost one made, if any."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return missing[-1] if missing else None


def remove_empty_folders(top: Path, path: Path) -> None:
    """Remove ``path`` and its parents up to ``top`` while they are empty."""
    for folder in (path, *path.parents):
        try:
            folder.rmdir()
        except OSError:
            return
        if folder == top:
            return


# --- recovery ------------------------------------------------------------------------

def recover_folder(path: Path) -> None:
    """Recover the leftovers of interrupted builds of every report number in ``path``
    that no build holds now (see :func:`recover`); remove their stale lock files."""
    try:
        names = os.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as error:
        raise OutputError(f"cannot read {folder_name(path)}: {reason(error)}") from None
    numbers = {match["number"] for name in names
               if (match := STAGING.match(name) or JOURNAL.match(name))}
    numbers |= {match["number"] for name in names
                if (match := LOCK.match(name)) and is_lock_file(path / name)}
    for number in sorted(numbers):
        try:
            lock = Lock.take(path, number, None)
        except OutputBusyError:
            continue  # a build is writing this number now; it recovers it itself
        except OSError as error:
            raise OutputError(f"cannot clean up an interrupted build in "
                              f"{folder_name(path)}: {reason(error)}") from None
        try:
            recover(path, number)
        except OSError as error:
            raise OutputError(f"cannot clean up an interrupted build in "
                              f"{folder_name(path)}: {reason(error)}") from None
        finally:
            lock.release()


def recover(path: Path, number: str) -> None:
    """Finish or undo an interrupted write of report ``number`` (hold its lock).

    A journal names a complete staged set: its renames are finished. Staging folders
    without a journal hold an incomplete set: they are deleted, and the old files stay.
    """
    journal = path / f".{number}.commit.json"
    entry = read_journal(journal, number)
    if entry is not None:
        log.warning("%s: finishing the interrupted build of %s", path, number)
        roll_forward(path, number, entry)
    else:
        journal.unlink(missing_ok=True)
    old_temporary = re.compile(OLD_TEMPORARY.format(number=re.escape(number)))
    for name in os.listdir(path):
        match = STAGING.match(name)
        if match and match["number"] == number:
            log.warning("%s: removing %s, left by an interrupted build", path, name)
            shutil.rmtree(path / name)
        elif old_temporary.match(name):
            (path / name).unlink(missing_ok=True)


def read_journal(journal: Path, number: str) -> dict | None:
    """The journal's entry if it exists and is one this module wrote, else None."""
    try:
        entry = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None
    valid = (isinstance(entry, dict) and entry.get("format") == JOURNAL_FORMAT
             and isinstance(entry.get("staging"), str)
             and (match := STAGING.match(entry["staging"])) and match["number"] == number
             and isinstance(entry.get("files"), list)
             and all(isinstance(n, str) and is_report_file(n, number)
                     for n in entry["files"]))
    return entry if valid else None


def is_report_file(name: str, number: str) -> bool:
    """Whether ``name`` is a file a build of ``number`` writes: ``T-1.pdf``, or one of a
    format of several files (``T-1.zw32.pact-v2.json``); never a path out of the folder."""
    rest = name[len(number) + 1:]
    return (name.startswith(f"{number}.") and os.path.basename(name) == name
            and "\\" not in name
            and (rest in SUFFIXES or (format_of(name) in MULTI_FILE and rest != format_of(name))))


def roll_forward(path: Path, number: str, entry: dict) -> None:
    """Move each staged file of a journal into place, then drop the journal and staging."""
    staging = path / entry["staging"]
    for name in entry["files"]:
        if (staging / name).exists():
            os.replace(staging / name, path / name)
    sync_folder(path)
    (path / f".{number}.commit.json").unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


# --- the lock ------------------------------------------------------------------------

class Lock:
    """An exclusive ``flock`` on ``OUTDIR/.<number>.lock``, removed when released.

    Removing a lock file is safe because a taker checks, once it holds the lock, that
    the name still leads to the file it locked; if not (the holder removed it in the
    meantime), it tries again with the new file.
    """

    def __init__(self, fd: int, path: Path) -> None:
        self.fd, self.path = fd, path

    @classmethod
    def take(cls, folder: Path, number: str, study: Path | None) -> Lock:
        """Lock ``number`` in ``folder`` or raise OutputBusyError.

        A holder that names no study (one cleaning up, or one just starting) is given
        half a second; one that names its study is reported at once.
        """
        path = folder / f".{number}.lock"
        deadline = time.monotonic() + 0.5
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = holder_of(fd)
                os.close(fd)
                if holder is None and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                started = f" (started by {holder})" if holder else ""
                raise OutputBusyError(
                    f"another cfpreport build is writing {number} into {folder_name(folder)}"
                    f"{started}; try again when it has finished") from None
            except BaseException:
                os.close(fd)
                raise
            if same_file(fd, path):
                break
            os.close(fd)
        with contextlib.suppress(OSError):  # the holder is only for messages
            os.ftruncate(fd, 0)
            if study is not None:
                os.write(fd, json.dumps({"study": str(study), "pid": os.getpid()},
                                        ensure_ascii=False).encode("utf-8"))
        return cls(fd, path)

    def release(self) -> None:
        """Remove the lock file, then unlock (closing the file unlocks it)."""
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self.fd)


def is_lock_file(path: Path) -> bool:
    """Whether ``path`` is a lock file of ours (empty, or naming its holder), not the user's."""
    try:
        data = path.read_bytes()[:4097]
        return not data or set(json.loads(data)) == {"study", "pid"}
    except (OSError, ValueError, TypeError):
        return False


def same_file(fd: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def holder_of(fd: int) -> str | None:
    """The study a lock's holder wrote into the lock file, if it did."""
    try:
        return str(json.loads(os.pread(fd, 4096, 0))["study"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
