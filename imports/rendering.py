"""Convert and render dump text, in worker processes when there are cores to spare.

Rendering Markdown is most of an import's time, and it needs nothing from
the database: the importer hands each batch's texts to ``Renderer.submit``
one batch ahead, so workers render batch k+1 while the importer writes
batch k.
"""

import multiprocessing
import os
from collections.abc import Iterable
from multiprocessing.pool import AsyncResult, Pool
from typing import Literal, NamedTuple

from entraide.rendering import excerpt, plain_text, render_inline_markdown, render_markdown

from . import markup

Kind = Literal["html", "comment"]
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# Named tuples rather than dataclasses: every result crosses a process
# boundary, and a tuple pickles in a fraction of the time.
class Rendered(NamedTuple):
    source: str
    html: str
    excerpt: str


class Outcome(NamedTuple):
    """A text rendered, or the active content that keeps it out."""

    rendered: Rendered | None
    hostile: str | None = None


def render(kind: Kind, text: str) -> Outcome:
    """HTML (post bodies, tag wikis, about texts) or a comment's source, rendered."""
    if kind == "comment":
        hostile = markup.hostile_markdown(text)
        if hostile:
            return Outcome(None, hostile)
        source = markup.comment_to_source(text)
        html = render_inline_markdown(source)
    else:
        hostile = markup.hostile_html(text)
        if hostile:
            return Outcome(None, hostile)
        source = markup.html_to_source(text)
        html = render_markdown(source)
    return Outcome(Rendered(source, html, excerpt(plain_text(html))))


Job = tuple[object, Kind, str]  # key, kind, text


def _render_job(job: Job) -> tuple[object, Outcome]:
    key, kind, text = job
    return key, render(kind, text)


class Pending:
    def __init__(self, result: AsyncResult[list[tuple[object, Outcome]]] | dict[object, Outcome]):
        self._result = result

    def get(self) -> dict[object, Outcome]:
        if isinstance(self._result, dict):
            return self._result
        return dict(self._result.get())


class Renderer:
    """Renders jobs in ``jobs`` worker processes, or inline with ``jobs=1``."""

    def __init__(self, jobs: int = 1):
        self.jobs = jobs
        self._pool: Pool | None = None
        self._closed_cpu = 0.0

    def submit(self, jobs: Iterable[Job]) -> Pending:
        jobs = list(jobs)
        if self.jobs <= 1 or len(jobs) < 8:
            return Pending(dict(_render_job(job) for job in jobs))
        if self._pool is None:
            # Forked workers inherit the loaded modules; they never touch the
            # database connection they also inherit.
            self._pool = multiprocessing.get_context("fork").Pool(self.jobs)
        chunk = max(1, len(jobs) // (self.jobs * 4))
        return Pending(self._pool.map_async(_render_job, jobs, chunksize=chunk))

    def cpu_seconds(self) -> float:
        """Processor time the worker processes have used so far (read from
        ``/proc``; 0 where there is none). The difference over a file is that
        file's rendering cost, which the importer's own CPU time leaves out."""
        if self._pool is None:
            return self._closed_cpu
        total = 0.0
        for process in self._pool._pool:  # type: ignore[attr-defined]  # the workers
            try:
                with open(f"/proc/{process.pid}/stat") as stat:
                    # After the command name: state is field 3, utime 14, stime 15.
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        return total

    def close(self) -> None:
        if self._pool is not None:
            self._closed_cpu = self.cpu_seconds()
            self._pool.close()
            self._pool.join()
            self._pool = None
