"""Work off the UI thread: slow jobs (printing, export, sync, file reading) run in a serial worker
and hand their result back to the UI thread by signal (Anki's taskman, Electrum's TaskThread)."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from ui.qt import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    done = Signal(object, object)  # the job, its result
    failed = Signal(object, object)  # the job, the exception


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple,
        kwargs: dict,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.on_done, self.on_error = on_done, on_error
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # handed to the UI thread, which shows it
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(self, exc)
        else:
            self.signals.done.emit(self, result)


class Worker(QObject):
    """A one-thread pool: jobs run in order, one at a time, never on the UI thread."""

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._jobs: set[_Job] = set()

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        **kwargs: Any,
    ) -> None:
        job = _Job(fn, args, kwargs, on_done, on_error)
        job.setAutoDelete(False)
        self._jobs.add(job)
        # Slots of the worker itself: Qt drops a result that arrives after the worker (and the page
        # that owns it) is gone, instead of calling back into deleted widgets.
        job.signals.done.connect(self._finished)
        job.signals.failed.connect(self._failed)
        self.pool.start(job)

    def _finished(self, job: _Job, result: Any) -> None:
        self._jobs.discard(job)
        if job.on_done:
            job.on_done(result)

    def _failed(self, job: _Job, exc: Exception) -> None:
        self._jobs.discard(job)
        if job.on_error:
            job.on_error(exc)

    def wait(self, ms: int = 30_000) -> bool:
        return self.pool.waitForDone(ms)
