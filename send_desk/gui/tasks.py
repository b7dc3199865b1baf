"""Run long work off the GUI thread and deliver the result back on it.

API::

    runner = TaskRunner(parent_widget)             # one per window
    task = runner.run(
        work,                                       # a plain callable run on a pool thread; no widgets!
        on_done=lambda result: ...,                 # called on the GUI thread with work()'s return value
        on_error=lambda exc: ...,                   # optional; defaults to the error presenter
        label="Loading the register…",              # optional: a progress dialog appears after 0.5 s
    )
    task = runner.run_steps(
        make_steps,                                 # returns a generator that yields values.Progress and
        on_done=..., label="Exporting…",            #   `return`s the result; cancelled between steps
    )
    task.cancel()                                   # the result is then dropped; on_cancel is called

Rules: workers never touch widgets or models; they call services (which open their own database sessions)
and return plain values. Results arrive through a queued signal on the GUI thread. Cancelling stops a
generator job at its next step and drops a plain job's result. `TaskRunner(inline=True)` runs everything
at once on the calling thread (tests use it for determinism). `runner.wait()` waits for running tasks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from send_desk.gui.errors import show_error
from send_desk.values.progress import Progress as Progress  # the one progress type, for every job

PROGRESS_DELAY_MS = 500


class CancelledError(Exception):
    """Raised inside a stepped job when the person pressed Cancel."""


class Task(QObject):
    """One job: its signals carry results from the worker thread to the GUI thread."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None,
        on_cancel: Callable[[], None] | None,
    ) -> None:
        """Remember where to deliver the outcome."""
        super().__init__(runner)
        self.runner = runner
        self._on_done = on_done
        self._on_error = on_error
        self._on_cancel = on_cancel
        self._cancel = threading.Event()
        self.done = False
        self.dialog: QProgressDialog | None = None
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._fail, Qt.ConnectionType.QueuedConnection)
        self.progressed.connect(self._progress, Qt.ConnectionType.QueuedConnection)

    @property
    def cancelled(self) -> bool:
        """Tell whether Cancel was pressed."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Stop the job at its next step (or drop its result) and call on_cancel once."""
        if self._cancel.is_set() or self.done:
            return
        self._cancel.set()
        self._close_dialog()
        if self._on_cancel is not None:
            self._on_cancel()

    @Slot(object)
    def _deliver(self, result: object) -> None:
        self._end()
        if not self.cancelled:
            self._on_done(result)

    @Slot(object)
    def _fail(self, error: object) -> None:
        self._end()
        if self.cancelled or isinstance(error, CancelledError):
            return
        assert isinstance(error, BaseException)
        if self._on_error is not None:
            self._on_error(error)
        else:
            show_error(self.runner.parent_widget(), error)

    @Slot(object)
    def _progress(self, progress: object) -> None:
        dialog = self.dialog
        if dialog is not None and isinstance(progress, Progress) and not self.cancelled:
            if progress.message:
                dialog.setLabelText(progress.message)
            dialog.setMaximum(progress.total)
            dialog.setValue(min(progress.done, progress.total) if progress.total else 0)

    def _end(self) -> None:
        self.done = True
        self._close_dialog()
        self.runner.forget(self)
        self.setParent(None)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None


class _Job(QRunnable):
    """The worker-side half of a task: runs the callable and emits the outcome."""

    def __init__(self, task: Task, work: Callable[[Task], object]) -> None:
        super().__init__()
        self.task = task
        self.work = work
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.work(self.task)
        except BaseException as exc:
            self.task.failed.emit(exc)
        else:
            self.task.finished.emit(result)


class TaskRunner(QObject):
    """Start jobs on a thread pool, show delayed cancellable progress, deliver results on the GUI thread."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        inline: bool = False,
        pool: QThreadPool | None = None,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        """Use the global pool unless given one; `inline` runs jobs at once (for tests)."""
        super().__init__(parent)
        self._parent = parent
        self.inline = inline
        self.pool = pool or QThreadPool.globalInstance()
        self.progress_delay_ms = progress_delay_ms
        self._running: set[Task] = set()

    def parent_widget(self) -> QWidget | None:
        """Return the widget dialogs are shown over."""
        return self._parent

    @property
    def busy(self) -> bool:
        """Tell whether any job is still running."""
        return bool(self._running)

    def run(
        self,
        work: Callable[[], object],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        label: str | None = None,
    ) -> Task:
        """Run `work()` off the GUI thread and pass its result to `on_done` on the GUI thread."""
        return self._start(lambda _task: work(), on_done, on_error, on_cancel, label)

    def run_steps(
        self,
        make_steps: Callable[[], Generator[Progress, None, object]],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        label: str = "Working…",
    ) -> Task:
        """Run a generator job that yields Progress and returns its result; Cancel stops it between steps."""

        def work(task: Task) -> object:
            steps = make_steps()
            try:
                while True:
                    if task.cancelled:
                        steps.close()
                        raise CancelledError
                    task.progressed.emit(next(steps))
            except StopIteration as stop:
                return stop.value

        return self._start(work, on_done, on_error, on_cancel, label)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for pool jobs to finish (their results are delivered when events are next processed)."""
        return bool(self.pool.waitForDone(msecs))

    def cancel_all(self) -> None:
        """Cancel every running task: their results and errors are dropped (the window is going away)."""
        for task in list(self._running):
            task.cancel()

    def forget(self, task: Task) -> None:
        """Drop a finished task."""
        self._running.discard(task)

    def _start(
        self,
        work: Callable[[Task], object],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None,
        on_cancel: Callable[[], None] | None,
        label: str | None,
    ) -> Task:
        task = Task(self, on_done, on_error, on_cancel)
        self._running.add(task)
        if self.inline:
            try:
                result = work(task)
            except BaseException as exc:
                task._fail(exc)
            else:
                task._deliver(result)
            return task
        if label is not None:
            QTimer.singleShot(self.progress_delay_ms, task, lambda: self._show_progress(task, label))
        self.pool.start(_Job(task, work))
        return task

    def _show_progress(self, task: Task, label: str) -> None:
        if task.done or task.cancelled:
            return
        dialog = QProgressDialog(label, "Cancel", 0, 0, self._parent)
        dialog.setWindowTitle("SEND Desk")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel)
        task.dialog = dialog
        dialog.show()
