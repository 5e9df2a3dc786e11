"""A document's scanned pages read in parallel come out exactly as reading them in order gives,
and a batch worker's last document takes up the cores the run's idle workers leave."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PIL import Image

from pipeline import parallel
from pipeline.batch import run_batch
from pipeline.config import Config
from pipeline.limits import MIB, NO_LIMITS, Limits, default_workers
from pipeline.models import Document, Line, Origin, Page, SourceInfo, Status
from pipeline.ocr import Script
from pipeline.ocr_document import DocumentReader
from pipeline.ocr_languages import ScriptMemory, read_by_script
from pipeline.parallel import bounded_map
from pipeline.planning import plan_run
from pipeline.tasks import Task
from pipeline.workers import run_isolated
from tests.pdfgen import ENGLISH_PARAGRAPHS, RUSSIAN_PARAGRAPHS

LATIN = Script("Latin", 5.0)
CYRILLIC = Script("Cyrillic", 20.0)
ENGLISH = "\n".join(ENGLISH_PARAGRAPHS[:2])
RUSSIAN = "\n".join(RUSSIAN_PARAGRAPHS[:2])
WAIT_SECONDS = 30.0
"""How long a test waits for an event that a working reader makes happen at once."""


def page_image(number: int) -> Image.Image:
    """A blank page whose width tells the fake engine which page it is."""
    return Image.new("L", (100 + number, 10), 255)


class PagedEngine:
    """OSD and readings answered per page (``scripts``, ``texts[(page, lang)]``); records its
    calls and how many readings ran at once. ``before_read`` runs first in a page's reading."""

    def __init__(
        self,
        scripts: dict[int, Script | None],
        texts: dict[tuple[int, str], str],
        before_read: Callable[[int], None] = lambda number: None,
    ) -> None:
        self.scripts, self.texts, self.before_read = scripts, texts, before_read
        self.calls: list[tuple[int, str]] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def detect_script(self, image: Image.Image, *, dpi: float) -> Script | None:
        with self._lock:
            self.calls.append((image.width - 100, "osd"))
        return self.scripts[image.width - 100]

    def read(
        self, image: Image.Image, *, page_number: int, dpi: float, lang: str | None = None
    ) -> Page:
        assert lang is not None
        with self._lock:
            self.calls.append((page_number, lang))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            self.before_read(page_number)
            text = self.texts[(page_number, lang)]
            lines = tuple(Line(line, page_number, Origin.OCR) for line in text.split("\n"))
            return Page(page_number, lines, "ocr")
        finally:
            with self._lock:
                self.running -= 1


def in_order(engine: PagedEngine, numbers: Sequence[int]) -> list[Page]:
    """The pages read one after the other, the reference."""
    memory = ScriptMemory()
    return [read_by_script(engine, page_image(n), n, 300, "rus+eng", memory) for n in numbers]


def in_parallel(
    engine: PagedEngine, numbers: Sequence[int], at_once: int, threads: int | None = None
) -> list[Page]:
    """The pages read by a DocumentReader allowing ``at_once`` pages, in that many threads
    unless ``threads`` says otherwise, settled in page order."""
    reader = DocumentReader(engine, "rus+eng", lambda: at_once)
    futures = bounded_map(lambda n: reader.read(page_image(n), n, 300), numbers, threads or at_once)
    return [future.result()() for future in futures]


def page_one_waits_for_page_two() -> Callable[[int], None]:
    """A ``before_read`` hook: page 1's reading waits until page 2's has begun, so that page 2
    certainly starts while page 1 is still being read."""
    second_read = threading.Event()

    def hold_first(number: int) -> None:
        if number == 1:
            assert second_read.wait(WAIT_SECONDS), "page 2 did not start while page 1 was read"
        else:
            second_read.set()

    return hold_first


def english_document(pages: int, **hooks: Callable[[int], None]) -> PagedEngine:
    numbers = range(1, pages + 1)
    return PagedEngine(
        dict.fromkeys(numbers, LATIN),
        {(n, "eng"): f"{ENGLISH}\npage {n}" for n in numbers},
        **hooks,
    )


def test_one_page_at_a_time_reads_as_in_order_and_detects_the_script_once() -> None:
    engine = english_document(3)
    pages = in_parallel(engine, [1, 2, 3], at_once=1)
    assert pages == in_order(english_document(3), [1, 2, 3])
    assert engine.calls == [(1, "osd"), (1, "eng"), (2, "eng"), (3, "eng")]
    assert engine.most_at_once == 1


def test_a_page_started_while_the_first_is_read_detects_its_own_script() -> None:
    """Page 2 starts before page 1 is read (page 1 waits for page 2's reading): it cannot
    know page 1's script, so it asks OSD itself; the same script, so its reading stands."""
    hold_first = page_one_waits_for_page_two()
    engine = english_document(2, before_read=hold_first)
    pages = in_parallel(engine, [1, 2], at_once=2)
    assert pages == in_order(english_document(2), [1, 2])
    assert sorted(engine.calls) == [(1, "eng"), (1, "osd"), (2, "eng"), (2, "osd")]
    assert engine.most_at_once == 2


def test_a_page_read_by_a_script_its_predecessor_contradicts_is_read_again() -> None:
    """A Russian page 1 and a page 2 that OSD takes for Latin: read in order, page 2 follows
    page 1's script and is read with every language. Read in parallel it first follows its own
    OSD, then is read again once page 1 says otherwise, and comes out as read in order."""
    hold_first = page_one_waits_for_page_two()

    def russian_document(before_read: Callable[[int], None] = lambda n: None) -> PagedEngine:
        return PagedEngine(
            {1: CYRILLIC, 2: LATIN},
            {(1, "rus+eng"): RUSSIAN, (2, "rus+eng"): RUSSIAN, (2, "eng"): ENGLISH},
            before_read,
        )

    reference = russian_document()
    expected = in_order(reference, [1, 2])
    assert reference.calls == [(1, "osd"), (1, "rus+eng"), (2, "rus+eng")]
    engine = russian_document(hold_first)
    assert in_parallel(engine, [1, 2], at_once=2) == expected
    assert engine.calls[-1] == (2, "rus+eng")  # the reading again, after its speculative one
    assert (2, "eng") in engine.calls


def test_a_waiting_page_starts_when_more_pages_are_allowed() -> None:
    """Page 2 waits for its turn while page 1 is read; then the allowance rises (as when
    another worker of the run goes idle) and page 1's reading waits for page 2's: a reader that
    asked the allowance only when a page ended would leave both waiting."""
    allowance = [1]
    asked = [0]
    second_waits = threading.Event()
    second_read = threading.Event()

    def allowed() -> int:
        asked[0] += 1
        if asked[0] >= 2:  # page 1 asked once and started; page 2 asked and waits
            second_waits.set()
        return allowance[0]

    def hold_first(number: int) -> None:
        if number == 1:
            assert second_waits.wait(WAIT_SECONDS), "page 2 never asked for its turn"
            allowance[0] = 2
            assert second_read.wait(WAIT_SECONDS), "page 2 never started"
        else:
            second_read.set()

    engine = english_document(2, before_read=hold_first)
    reader = DocumentReader(engine, "rus+eng", allowed)
    futures = bounded_map(lambda n: reader.read(page_image(n), n, 300), [1, 2], 2)
    pages = [future.result()() for future in futures]
    assert pages == in_order(english_document(2), [1, 2])
    assert engine.most_at_once == 2


def test_pages_never_run_beyond_the_allowance() -> None:
    """With one page allowed, page 1 gives page 2 time to start (it must not)."""
    second_read = threading.Event()

    def hold_first(number: int) -> None:
        if number == 1:
            second_read.wait(0.5)
        else:
            second_read.set()

    engine = english_document(3, before_read=hold_first)
    pages = in_parallel(engine, [1, 2, 3], at_once=1, threads=3)
    assert pages == in_order(english_document(3), [1, 2, 3])
    assert engine.most_at_once == 1


def test_a_failed_page_is_not_remembered_and_the_next_detects_its_own_script() -> None:
    def fail_first(number: int) -> None:
        if number == 1:
            raise RuntimeError("Tesseract failed")

    engine = english_document(2, before_read=fail_first)
    reader = DocumentReader(engine, "rus+eng", lambda: 1)
    futures = list(bounded_map(lambda n: reader.read(page_image(n), n, 300), [1, 2], 1))
    assert isinstance(futures[0].exception(), RuntimeError)
    page = futures[1].result()()
    assert page.lines[-1].text == "page 2"
    assert engine.calls == [(1, "osd"), (1, "eng"), (2, "osd"), (2, "eng")]


# --- cores lent at the end of a batch --------------------------------------------------------


def report_pages_at_once(task: Task, config: Config) -> Document:
    """In a worker: how many pages of one document it may read at once, once that is more than
    one (or after WAIT_SECONDS), reported in the hash field; "quick" documents answer at once."""
    allowed = parallel.pages_at_once(1)
    deadline = time.monotonic() + WAIT_SECONDS
    while task.display_path != "quick" and allowed() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    source = SourceInfo(
        task.display_path, sha256=str(allowed()), bytes=0, media_type="text/plain", pages=1
    )
    return Document(source=source, status=Status.OK)


def test_the_last_document_of_a_batch_may_use_the_idle_workers_cores(tmp_path: Path) -> None:
    tasks = [Task(tmp_path / name, name, Path(f"{name}.json")) for name in ("quick", "last")]
    results = dict(run_isolated(enumerate(tasks), Config(), 2, NO_LIMITS, report_pages_at_once))
    assert results[1].source.sha256 == "2"
    assert results[0].source.sha256 == "1"  # another document was still being read


def report_page_workers(task: Task, config: Config) -> Document:
    """The cores a document's pages were given, reported in the hash field."""
    source = SourceInfo(
        task.display_path,
        sha256=str(config.page_workers),
        bytes=0,
        media_type="text/plain",
        pages=1,
    )
    return Document(source=source, status=Status.OK)


@pytest.mark.parametrize(("documents", "size"), [(1, 10), (1, 2 * MIB), (3, 10)])
def test_cores_no_document_worker_uses_go_to_the_pages(
    tmp_path: Path, documents: int, size: int
) -> None:
    """One document, read in this process (small) or in a worker (big), gets every core for
    its pages; three documents on two workers get one each."""
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(documents):
        (folder / f"{number}.txt").write_bytes(b"x" * size)
    tasks = plan_run(folder, tmp_path / "out")
    limits = Limits(timeout=600.0, max_memory_mb=4096)
    run_batch(
        tasks, tmp_path / "out", Config(), workers=2, limits=limits, process=report_page_workers
    )
    given = {
        json.loads(path.read_text())["source"]["sha256"]
        for path in (tmp_path / "out").glob("*.json")
    }
    assert given == {str(default_workers() if documents == 1 else max(1, default_workers() // 2))}
