"""Pages finished of the document being read, for the progress display.

The stages do not know who is watching: ``extract`` calls ``page_done`` after each page, and
whoever runs the document (a batch worker, ``pipeline clean``) listens with ``listening``. The
listener lives in a context variable: calls come from the thread that reads the document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageProgress:
    done: int  # pages finished so far
    total: int | None  # pages to read, when known in advance

    def __str__(self) -> str:
        return f"page {self.done}/{self.total}" if self.total else f"page {self.done}"


PageListener = Callable[[PageProgress], None]
_listener: ContextVar[PageListener | None] = ContextVar("page_listener", default=None)


@contextmanager
def listening(listener: PageListener) -> Iterator[None]:
    """Call ``listener`` after each page of the documents read inside the block."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def page_done(done: int, total: int | None) -> None:
    """Tell the listener, if any, that ``done`` of ``total`` pages are finished."""
    listener = _listener.get()
    if listener is not None:
        listener(PageProgress(done, total))
