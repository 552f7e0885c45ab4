"""Using the second core for Python-bound work that splits in two.

Office PCs and the measuring machine have two cores; writing cells, checking
text pairs and hashing n-grams hold the GIL, so threads do not help. One
worker process takes one half while this process does the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


def side_by_side(
    here: Callable[[], T], there: Callable[..., U], *args, initializer: Callable | None = None, initargs: tuple = ()
) -> tuple[T, U]:
    """``here()`` in this process while ``there(*args)`` runs in a second one (``there`` and its
    arguments must pickle; ``initializer(*initargs)`` runs once in the worker first, to hand it
    data once instead of with every call). A failure in either is raised here."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, initializer=initializer, initargs=initargs) as pool:
        pending = pool.submit(there, *args)
        mine = here()
        return mine, pending.result()
