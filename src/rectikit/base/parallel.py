"""Using the second core for Python-bound work that splits in two.

Office PCs and the measuring machine have two cores; writing cells, checking
text pairs and hashing n-grams hold the GIL, so threads do not help. One
worker process takes one half while this process does the other. Compiled
code that lets go of the GIL gets a thread instead (:class:`Background`).
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
U = TypeVar("U")

_JOB: tuple[Callable[..., Any], tuple] | None = None  # the worker's task, handed over when it starts


def _take(there: Callable[..., Any], args: tuple) -> None:
    global _JOB
    _JOB = (there, args)


def _run() -> Any:
    assert _JOB is not None
    there, args = _JOB
    return there(*args)


def side_by_side(here: Callable[[], T], there: Callable[..., U], *args) -> tuple[T, U]:
    """``here()`` in this process while ``there(*args)`` runs in a second one; a failure in either is
    raised here. The task goes to the worker as it starts: where processes fork (Linux) the worker
    shares this one's memory and nothing is copied (an annex's 89k rows took a second to pickle); where
    they are spawned (Windows, macOS) ``there`` and its arguments are pickled once. Linux is asked for
    fork by name: Python 3.14 made forkserver its default, which would pickle as spawn does."""
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_take, initargs=(there, args)) as pool:
        pending = pool.submit(_run)
        mine = here()
        return mine, pending.result()


class Background(Generic[T]):
    """``fn()`` in a thread from now on, for compiled work that lets go of the GIL (calamine opening a
    workbook) while this thread goes on in Python. :meth:`result` waits and returns its value or raises
    its error, whatever it was (a MemoryError too); :meth:`wait` only waits."""

    def __init__(self, fn: Callable[[], T]):
        self._out: tuple[bool, Any] = (False, None)
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], T]) -> None:
        try:
            self._out = (True, fn())
        except BaseException as e:  # handed to the thread that asks for the result
            self._out = (False, e)

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> T:
        self.wait()
        done, value = self._out
        if not done:
            raise value
        return value


class Halvable(Protocol):
    """What can be cut in two: a list, a numpy array."""

    def __len__(self) -> int: ...
    def __getitem__(self, part: slice, /) -> Any: ...


def in_halves(fn: Callable[..., U], items: Halvable, *args, at: int, join: Callable[[U, U], U] = operator.add) -> U:
    """``fn(items, *args)``; from ``at`` items on, ``fn`` of the second half runs in a second process and
    the two results are joined (``+`` by default). ``fn`` must be module-level, and its results come back
    pickled, so it should return little beside the work it saves."""
    if len(items) < at:
        return fn(items, *args)
    half = len(items) // 2
    mine, theirs = side_by_side(lambda: fn(items[:half], *args), fn, items[half:], *args)
    return join(mine, theirs)


def _map(items: Sequence, fn: Callable[..., U], args: tuple) -> list[U]:
    return [fn(item, *args) for item in items]


def split_map(fn: Callable[..., U], items: Sequence, *args, at: int = 5000) -> list[U]:
    """``[fn(item, *args) for item in items]``, in two processes from ``at`` items on (:func:`in_halves`)."""
    return in_halves(_map, items, fn, args, at=at)
