"""A bounded, order-keeping map over threads, for the pages of one document.

OCR runs each page in its own Tesseract process, so threads give real parallelism while the
producer (rendering PDF pages, decoding TIFF frames) stays in the calling thread, which is
where pdfplumber and Pillow want it. Only a few items are in flight at once, so a long scan
never holds all its page images in memory.
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
