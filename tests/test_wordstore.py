"""wordfreq's lists read from an index on disk give wordfreq's own answers."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
import wordfreq
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import lexicon, wordstore

wordstore.install()  # the lexicon installs the indexes in front of wordfreq's loader on first use
ORIGINAL = wordfreq.get_frequency_dict.original  # type: ignore[attr-defined]
"""wordfreq's own loader."""

WORDS = [
    "the", "peace", "well-known", "don't", "Chairperson", "OSCE", "2023", "covid-19",
    "Председатель", "благодарю", "из-за", "ЕС", "україна", "дякую",
    "zzqxv", "", "---", "Mr.", "naïve", "café",
]  # fmt: skip


@pytest.fixture(scope="module")
def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of indexes for the tests that compare answers (each index takes seconds)."""
    return tmp_path_factory.mktemp("indexes")


@pytest.fixture
def index_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(wordstore.CACHE_ENV, str(folder))
    return folder


def zipf_from(freqs: Callable[..., Mapping[str, float]], word: str, lang: str) -> float:
    """wordfreq's own lookup of ``word``, its lists given by ``freqs``."""
    installed = wordfreq.get_frequency_dict
    wordfreq.get_frequency_dict = freqs  # type: ignore[assignment]
    wordfreq._wf_cache.clear()
    try:
        return wordfreq.zipf_frequency(word, lang)
    finally:
        wordfreq.get_frequency_dict = installed
        wordfreq._wf_cache.clear()


def in_memory_zipf(word: str, lang: str) -> float:
    """wordfreq's lookup with its own in-memory list."""
    return zipf_from(ORIGINAL, word, lang)


def stored_zipf(word: str, lang: str, folder: Path) -> float:
    list_file = Path(wordfreq.available_languages()[lang])
    stored = wordstore.open_index(list_file, lambda: ORIGINAL(lang), folder)
    assert stored is not None
    return zipf_from(lambda *args, **kwargs: stored, word, lang)


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_the_index_answers_as_wordfreq_does(lang: str, shared_folder: Path) -> None:
    for word in WORDS:
        assert stored_zipf(word, lang, shared_folder) == in_memory_zipf(word, lang), word


LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяabcdefghijklmnopqrstuvwxyz-'’ 0123456789"


def test_any_word_gets_the_same_frequency_from_the_index(shared_folder: Path) -> None:
    @settings(max_examples=60, deadline=None)
    @given(st.text(alphabet=LETTERS, max_size=14))
    def same_answer(word: str) -> None:
        for lang in ("en", "ru"):
            assert stored_zipf(word, lang, shared_folder) == in_memory_zipf(word, lang)

    same_answer()


def test_the_index_is_written_once_and_then_reused(tmp_path: Path) -> None:
    list_file = Path(wordfreq.available_languages()["en"])
    loads: list[str] = []

    def load() -> Mapping[str, float]:
        loads.append("en")
        return {"peace": 1e-4, "war": 2e-4}

    first = wordstore.open_index(list_file, load, tmp_path)
    second = wordstore.open_index(list_file, load, tmp_path)
    assert first is not None
    assert second is not None
    assert first.path == second.path
    assert loads == ["en"]
    assert dict(second) == {"peace": 1e-4, "war": 2e-4}
    assert "peace" in second
    assert "love" not in second
    assert len(second) == 2
    with pytest.raises(KeyError):
        second["love"]


def test_processes_that_want_the_same_index_at_once_write_it_once(tmp_path: Path) -> None:
    list_file = Path(wordfreq.available_languages()["en"])
    loads: list[int] = []
    go = threading.Barrier(4)

    def load() -> Mapping[str, float]:
        loads.append(1)
        return {"peace": 1e-4}

    def want() -> None:
        go.wait()
        assert wordstore.open_index(list_file, load, tmp_path) is not None

    threads = [threading.Thread(target=want) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1]
    assert len(list(tmp_path.glob("*.sqlite"))) == 1
    assert not list(tmp_path.glob("*.tmp"))


def test_an_index_of_another_wordfreq_list_is_replaced(tmp_path: Path) -> None:
    list_file = Path(wordfreq.available_languages()["en"])
    stale = tmp_path / "large_en-1-2-wordfreq0.0-s1.sqlite"
    stale.write_bytes(b"an index of an older list")
    assert wordstore.open_index(list_file, lambda: {"peace": 1e-4}, tmp_path) is not None
    assert not stale.exists()
    assert len(list(tmp_path.glob("large_en-*.sqlite"))) == 1


def test_without_a_writable_folder_wordfreq_loads_its_list_as_before(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    list_file = Path(wordfreq.available_languages()["en"])
    assert wordstore.open_index(list_file, lambda: {"peace": 1e-4}, blocked / "cache") is None


def test_wordfreq_reads_the_index_once_installed(index_folder: Path) -> None:
    wordstore.install()  # a second install changes nothing
    assert wordfreq.get_frequency_dict.original is ORIGINAL  # type: ignore[attr-defined]
    stored = wordfreq.get_frequency_dict("en")
    assert isinstance(stored, wordstore.StoredFrequencies)
    assert wordfreq.zipf_frequency("peace", "en") == in_memory_zipf("peace", "en")


def test_a_language_code_wordfreq_must_match_is_left_to_wordfreq() -> None:
    # "en-US" names no list file; wordfreq matches it to English itself.
    assert isinstance(wordfreq.get_frequency_dict("en-US"), dict)
    assert wordfreq.zipf_frequency("peace", "en-US") == in_memory_zipf("peace", "en")


# --- answers without wordfreq ------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_store(shared_folder: Path) -> Path:
    """The shared folder with the manifests of en, ru and uk, as wordfreq's own reading of the
    lists writes them."""
    for lang in ("en", "ru", "uk"):
        list_file = Path(wordfreq.available_languages()[lang])
        stored = wordstore.open_index(list_file, lambda lang=lang: ORIGINAL(lang), shared_folder)
        assert stored is not None
        wordstore.record_best_list(lang, list_file, stored.path, wordstore.is_plain_language(lang))
    return shared_folder


@pytest.fixture
def plain_answers(plain_store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(wordstore.CACHE_ENV, str(plain_store))
    wordstore.best_index.cache_clear()
    yield plain_store
    wordstore.best_index.cache_clear()


def test_a_plain_word_is_answered_as_wordfreq_answers_it(plain_answers: Path) -> None:
    words = {
        "en": ["peace", "well-known", "co-operation", "nigeria's", "nigeria’s", "o'neill",
               "rock'n'roll", "zzqxv", "café", "naïve", "ukraine's-led", "a"],
        "ru": ["благодарю", "из-за", "нью-йорке", "военно-политическом", "ёлка", "щщщщ"],
        "uk": ["дякую", "україна", "м'ясо", "об'єкт", "мʼясо", "ґанок", "їжак"],
    }  # fmt: skip
    answered = 0
    for lang, examples in words.items():
        for word in examples:
            fast = wordstore.plain_zipf(word, lang)
            if fast is not None:
                answered += 1
                assert fast == in_memory_zipf(word, lang), (word, lang)
    assert answered >= 20  # the index itself answered nearly all of them


def test_listed_words_and_their_hyphenated_pairs_get_wordfreqs_numbers(
    plain_answers: Path,
) -> None:
    for lang in ("en", "ru", "uk"):
        listed = [w for w in ORIGINAL(lang) if wordstore.is_plain_word(w)]
        sample = random.Random(lang).sample(listed, 400)
        pairs = [f"{a}-{b}" for a, b in zip(sample[::2], sample[1::2], strict=True)]
        for word in sample + pairs:
            assert wordstore.plain_zipf(word, lang) == in_memory_zipf(word, lang), word


PLAIN_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґabcdefghijklmnopqrstuvwxyzéèçñßµ"


def test_any_word_of_letters_hyphens_and_apostrophes_gets_wordfreqs_answer(
    plain_answers: Path,
) -> None:
    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=PLAIN_LETTERS + "-'’ʼ", min_size=1, max_size=14))
    def same_answer(word: str) -> None:
        for lang in ("en", "ru"):
            fast = wordstore.plain_zipf(word, lang)
            if fast is not None:
                assert fast == in_memory_zipf(word, lang)

    same_answer()


def _plain_letters() -> list[str]:
    return [
        chr(code)
        for code in range(ord(wordstore.PLAIN_LETTERS_BELOW))
        if wordstore.is_plain_word(chr(code))
    ]


@pytest.mark.parametrize(("lang", "neighbour"), [("en", "a"), ("ru", "д")])
def test_wordfreq_keeps_every_plain_letter_inside_one_token(lang: str, neighbour: str) -> None:
    """What ``plain_tokens`` assumes, checked letter by letter: wordfreq splits no run of them
    and changes none of them."""
    letters = _plain_letters()
    assert len(letters) > 900  # Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, ...
    for letter in letters:
        for word in (letter, neighbour + letter + neighbour, letter + letter):
            assert wordfreq.lossy_tokenize(word, lang) == [word], (hex(ord(letter)), word)


def test_the_index_stays_silent_when_it_cannot_vouch_for_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plain_store: Path
) -> None:
    monkeypatch.setenv(wordstore.CACHE_ENV, str(tmp_path))
    for manifest in plain_store.glob("best-*.json"):
        (tmp_path / manifest.name).write_text(manifest.read_text())
    for index in plain_store.glob("*.sqlite"):
        (tmp_path / index.name).symlink_to(index)
    wordstore.best_index.cache_clear()
    assert wordstore.plain_zipf("peace", "en") == in_memory_zipf("peace", "en")
    assert wordstore.plain_zipf("l'amour", "en") is None  # wordfreq may split an elision
    assert wordstore.plain_zipf("covid19", "en") is None  # digits: wordfreq's own numbers
    assert wordstore.plain_zipf("peace", "tr") is None  # no manifest, and not plain anyway
    # The list file changed since the manifest was written: wordfreq must read it again.
    manifest = wordstore.manifest_path("en", tmp_path)
    record = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**record, "size": record["size"] + 1}))
    wordstore.best_index.cache_clear()
    assert wordstore.plain_zipf("peace", "en") is None
    wordstore.best_index.cache_clear()


def test_wordfreqs_own_reading_of_a_best_list_writes_its_manifest(index_folder: Path) -> None:
    wordstore.best_index.cache_clear()
    wordfreq.get_frequency_dict.cache_clear()  # type: ignore[attr-defined]  # lists read before
    wordfreq._wf_cache.clear()
    assert wordstore.plain_zipf("peace", "en") is None  # nothing on this machine yet
    assert lexicon.wordfreq_zipf("peace", "en") == in_memory_zipf("peace", "en")
    record = json.loads(wordstore.manifest_path("en", index_folder).read_text())
    assert record["plain"] is True
    assert (index_folder / record["index"]).is_file()
    wordstore.best_index.cache_clear()
    assert wordstore.plain_zipf("peace", "en") == in_memory_zipf("peace", "en")
    wordstore.best_index.cache_clear()
    wordfreq.get_frequency_dict.cache_clear()  # type: ignore[attr-defined]


def test_languages_with_their_own_normalisation_are_left_to_wordfreq() -> None:
    assert wordstore.is_plain_language("en")
    assert wordstore.is_plain_language("uk")
    assert not wordstore.is_plain_language("tr")  # dotted and dotless i
    assert not wordstore.is_plain_language("ro")  # commas and cedillas under letters
