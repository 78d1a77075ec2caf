"""Show a batch's progress: a bar on a terminal, one plain line per study elsewhere."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from cfpreport.batch.runner import Outcome


class Progress:
    """Count the outcomes of a batch of ``total`` studies and show them on ``stream``.

    On a terminal one line is redrawn: done, failed, skipped, remaining, the rate of the
    studies built (or failed) and the time left at that rate. Elsewhere (a log, a pipe)
    each study gets a line of its own.
    """

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self.closed = False

    @property
    def finished(self) -> int:
        return sum(self.counts.values())

    def update(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        if self.tty:
            self.stream.write("\r\x1b[K" + self.bar_line(time.monotonic()))
        else:
            self.stream.write(self.plain_line(outcome) + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the redrawn line, once, so that what is printed next starts a line."""
        if self.tty and self.finished and not self.closed:
            self.stream.write("\n")
            self.stream.flush()
        self.closed = True

    def rate(self, now: float) -> float | None:
        """Studies built or failed per second so far (skips take no time)."""
        worked = self.counts["built"] + self.counts["failed"]
        return worked / (now - self.started) if worked and now > self.started else None

    def bar_line(self, now: float) -> str:
        """``[#####-----] 37/200 · built 30 · failed 2 · skipped 5 · remaining 163 ·
        71.2/min · ETA 2m17s``, the bar left out on a narrow terminal."""
        remaining = self.total - self.finished
        rate = self.rate(now)
        pace = f" · {rate * 60:.1f}/min" if rate else ""
        if rate and remaining:
            pace += f" · ETA {duration(remaining / rate)}"
        text = (f" {self.finished}/{self.total} · built {self.counts['built']} · failed "
                f"{self.counts['failed']} · skipped {self.counts['skipped']} · remaining "
                f"{remaining}{pace}")
        width = shutil.get_terminal_size((80, 24)).columns
        cells = min(30, width - len(text) - 3)
        if cells < 5:
            return text[1:width - 1]
        filled = cells * self.finished // max(1, self.total)
        return "[" + "#" * filled + "-" * (cells - filled) + "]" + text

    def plain_line(self, outcome: Outcome) -> str:
        where = f"[{self.finished}/{self.total}]"
        number = f" {outcome.number}" if outcome.number else ""
        if outcome.status == "failed":
            first = outcome.reason.splitlines()[0] if outcome.reason else ""
            study = "" if first.startswith(os.fspath(outcome.study)) else f"{outcome.study}: "
            return f"{where} failed{number} {study}{first}"
        return f"{where} {outcome.status}{number} {outcome.study} ({outcome.reason})"


def duration(seconds: float) -> str:
    """A time left, to the second: 45s, 2m05s, 1h02m."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def failure_lines(outcomes: list[Outcome]) -> list[str]:
    """Each failure of a batch, located: ``file:line:column field: message``, one a line."""
    lines = []
    for outcome in outcomes:
        if outcome.status != "failed":
            continue
        if outcome.bug:
            lines.append(f"{outcome.study}: failed on a bug in cfpreport (please report it):")
            lines.append(outcome.reason.rstrip())
        elif outcome.reason.startswith(os.fspath(outcome.study)):
            lines.append(outcome.reason)  # a study's problems name the file (or cell)
        else:
            lines.append(f"{outcome.study}: {outcome.reason}")
    return lines


def counts_lines(outcomes: list[Outcome], total: int, seconds: float,
                 summary: Iterable[str]) -> list[str]:
    """What a batch did, in numbers, and where its summary is."""
    counts = Counter(outcome.status for outcome in outcomes)
    left = total - len(outcomes)
    rate = f" in {duration(seconds)}" + (
        f" ({counts['built'] * 60 / seconds:.1f} reports/min)" if counts["built"] else "")
    lines = [f"{total} studies: {counts['built']} built, {counts['skipped']} unchanged, "
             f"{counts['failed']} failed" + (f", {left} not done" if left else "") + rate
             + f"; summary: {', '.join(summary)}"]
    warned = sum(1 for outcome in outcomes if outcome.warnings)
    if warned:
        lines.append(f"{warned} of the reports built have warnings (the summary counts them; "
                     f"`cfpreport validate` lists them)")
    return lines
