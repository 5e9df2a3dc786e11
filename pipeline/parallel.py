"""A bounded, order-keeping map over threads, for the pages of one document.

OCR runs each page in its own Tesseract process, so threads give real parallelism while the
producer (rendering PDF pages, decoding TIFF frames) stays in the calling thread, which is
where pdfplumber and Pillow want it. Only a few items are in flight at once, so a long scan
never holds all its page images in memory. A batch worker's document is read one page at a
time, and more at once when the run's other workers are idle (``lend_idle_cores``): at the end
of a batch the last documents then use every core, as the first ones did.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_WORKER = 2
"""Items submitted ahead per worker: enough to keep every worker busy, no more."""


def bounded_map(func: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[Future[R]]:
    """Apply ``func`` to each item in worker threads; yield the futures in input order.

    The caller reads each future's result (or its exception) in turn; items are drawn from
    ``items`` lazily, in the calling thread.
    """
    workers = max(1, workers)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="page") as pool:
        in_flight: deque[Future[R]] = deque()
        for item in items:
            in_flight.append(pool.submit(func, item))
            if len(in_flight) >= workers * IN_FLIGHT_PER_WORKER:
                yield in_flight.popleft()
        while in_flight:
            yield in_flight.popleft()


# --- cores lent by the run's idle workers ---------------------------------------------------


def _nothing_lent() -> int:
    return 0  # outside a batch worker: a process has only its own cores


_lent_cores: Callable[[], int] = _nothing_lent
_most_lent = 0


def lend_idle_cores(lent: Callable[[], int], most: int) -> None:
    """In a batch worker: ``lent()`` says how many cores the run's idle workers lend it now (at
    the end of a batch, when they have no document left), ``most`` the most they ever can."""
    global _lent_cores, _most_lent
    _lent_cores, _most_lent = lent, most


def page_threads(own: int) -> int:
    """Threads for one document's pages: its ``own`` cores and any that may be lent to it."""
    return max(1, own) + _most_lent


def pages_at_once(own: int) -> Callable[[], int]:
    """How many of one document's pages may be read at once, asked again while pages wait:
    its ``own`` cores and those lent to it now."""
    lent = _lent_cores
    return lambda: max(1, own) + max(0, lent())
