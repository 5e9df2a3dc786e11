"""The document's own metadata, read from its preamble (and its running headers as a fallback):
symbol, date, place, issuer, original language and notes.

Each value keeps the line it was read from; what is not found stays None. The patterns follow
the grammar of the genre's head (document symbols, "Place, date" lines, "Original: LANGUAGE"
labels, translation and delivery notes) in Russian and English, not the wording of any one text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date

from pipeline.models import Furniture, Metadata, MetaValue, Sections

SYMBOL = re.compile(
    r"(?<![\w/.])(?=[A-Z][\w.()-]*/)(?=[^\s]*\d)[A-Z][A-Z0-9.()-]*(?:/[A-Za-z0-9.()-]+)+"
)
"""A UN or OSCE style document symbol: upper-case series and numbers joined by slashes
("PC.DEL/1532/24", "A/79/123", "A/C.3/79/L.5")."""
REFERENCE = re.compile(
    r"(?:^|(?<=\s))(?:(?:Note\s+)?(?:Ref(?:erence)?\.?|No\.|Nr\.|Исх\.)|№)\s*:?\s*"
    r"(?P<ref>(?:[^\W\d_][\w./-]*\s)?[\w./-]*\d[\w./-]*)",
    re.IGNORECASE,
)
"""A reference number after its label ("Ref.: VIE-OSZE 312.0-07", "No. 12-1/847", "№ 04-11/287"):
one token with a digit, perhaps after one word of letters; the label may follow other text on a
line that joined two preamble lines."""

REFERENCE_LABEL = re.compile(
    r"\s*(?:(?:Note\s+)?(?:Ref(?:erence)?\.?|No\.|Nr\.|Исх\.)|№)\s*:?$", re.I
)
"""A reference label at the end of the text before the number."""

MONTHS = {
    **{
        name: number
        for number, name in enumerate(
            (
                "january", "february", "march", "april", "may", "june", "july",
                "august", "september", "october", "november", "december",
            ),
            start=1,
        )
    },
    **{
        name: number
        for number, name in enumerate(
            (
                "января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                "августа", "сентября", "октября", "ноября", "декабря",
            ),
            start=1,
        )
    },
}  # fmt: skip
"""English month names and the Russian genitive ("6 марта 2024 года")."""
_MONTH = "|".join(MONTHS)
DATE_FORMS = (
    re.compile(rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d.])"),
    re.compile(r"(?<![\d-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])"),
)
"""Day month year, Month day year, DD.MM.YYYY and ISO dates."""

PLACE_BEFORE_DATE = re.compile(r"^(?P<place>[^\W\d_][^\d,:;]{0,40}?),\s*$")
"""The place a date line opens with ("Вена, 6 марта 2024 г.", "New York, 12 October 2023")."""
MAX_PLACE_WORDS = 4

ORIGINAL_LANGUAGE = re.compile(
    r"^(?:original(?:\s+language)?|language\s+of\s+the\s+original|язык\s+оригинала|оригинал)"
    r"\s*:\s*(?P<language>[^\W\d_]+)",
    re.IGNORECASE,
)
LANGUAGE_CODES = {
    "english": "en", "английский": "en", "french": "fr", "французский": "fr",
    "russian": "ru", "русский": "ru", "spanish": "es", "испанский": "es",
    "german": "de", "немецкий": "de", "chinese": "zh", "китайский": "zh",
    "arabic": "ar", "арабский": "ar", "ukrainian": "uk", "украинский": "uk",
}  # fmt: skip
"""Language names as "Original:" labels write them, to ISO 639-1 codes."""

NOTES = (
    (
        "unofficial translation",
        re.compile(r"unofficial\s+translation|неофициальный\s+перевод", re.I),
    ),
    (
        "check against delivery",
        re.compile(
            r"check\s+against\s+delivery|проверить\s+при\s+произнесении|"
            r"сверить?\s+с\s+произнесенным|сверка\s+с\s+произнесенным",
            re.I,
        ),
    ),
    ("as delivered", re.compile(r"^as\s+delivered\b|^в\s+порядке\s+произнесения", re.I)),
    ("press release", re.compile(r"^press\s+release$|^пресс-релиз$", re.I)),
)
"""Notes on the text's standing, each with the forms it is printed in."""

ISSUER_NOUNS = re.compile(
    r"\b(?:mission|delegation|representation|ministry|embassy|government|office|"
    r"statement\s+by|представительств\w*|делегаци\w*|министерств\w*|посольств\w*|"
    r"правительств\w*|представител\w*|миссия|выступление)\b",
    re.IGNORECASE,
)
"""Nouns that name who issues a statement (a mission, delegation, ministry, its speaker)."""


def find_symbol(line: str) -> str | None:
    match = SYMBOL.search(line)
    if match:
        return match.group(0).rstrip(".")
    reference = REFERENCE.search(line.strip())
    if reference is None:
        return None
    value = reference.group("ref").rstrip(".,;")
    # "No. 5" is a count or an address more often than a reference: a reference is numbered
    # in parts ("12-1/847") or at some length ("014/2025", "312.0-07").
    return value if re.search(r"[-/]|\d{3}", value) else None


def find_date(line: str) -> tuple[str, int] | None:
    """The first date in ``line`` as ISO 8601, and where it starts."""
    for form in DATE_FORMS:
        for match in form.finditer(line):
            month = match.group("month")
            number = int(month) if month.isdigit() else MONTHS[month.casefold()]
            try:
                found = date(int(match.group("year")), number, int(match.group("day")))
            except ValueError:
                continue  # "31.02.2024" is no date
            return found.isoformat(), match.start()
    return None


def find_place(line: str, date_start: int) -> str | None:
    """The place written before the date on its line, if any."""
    match = PLACE_BEFORE_DATE.match(line[:date_start])
    if match is None:
        return None
    place = match.group("place").strip()
    return place if len(place.split()) <= MAX_PLACE_WORDS else None


def find_original_language(line: str) -> str | None:
    match = ORIGINAL_LANGUAGE.match(line.strip())
    if match is None:
        return None
    name = match.group("language").casefold()
    return LANGUAGE_CODES.get(name, name)


def find_notes(line: str) -> list[str]:
    return [label for label, pattern in NOTES if pattern.search(line.strip())]


def find_issuer(line: str) -> str | None:
    """The whole line, when it names a mission, delegation, ministry or speaker."""
    return line if ISSUER_NOUNS.search(line) else None


def _first(lines: Iterable[str], find: Callable[[str], str | None]) -> MetaValue | None:
    for line in lines:
        value = find(line)
        if value:
            return MetaValue(value, line)
    return None


def read_metadata(sections: Sections, furniture: Sequence[Furniture] = ()) -> Metadata:
    """Metadata from the preamble lines; symbol and date may also come from running headers."""
    preamble = [" ".join(line.split()) for line in sections.preamble]
    headers = [" ".join(f.text.split()) for f in furniture if f.role.value == "header"]
    symbol = _first(preamble, find_symbol) or _first(headers, find_symbol)
    date_value, place = _date_and_place(preamble) or _date_and_place(headers) or (None, None)
    language = _first(preamble, find_original_language)
    notes = tuple(MetaValue(label, line) for line in preamble for label in find_notes(line))
    used = {v.source for v in (date_value, language) if v is not None}
    used |= {note.source for note in notes}
    issuer = _first((line for line in preamble if line not in used), find_issuer)
    if issuer is not None and symbol is not None and issuer.source == symbol.source:
        # two preamble lines read as one ("Permanent Mission ... No. 12-1/847"): the issuer
        # is the part before the symbol
        before = issuer.source[: issuer.source.find(symbol.value)].strip()
        before = REFERENCE_LABEL.sub("", before).strip()
        issuer = MetaValue(before, issuer.source) if before else None
    return Metadata(
        symbol=symbol,
        date=date_value,
        place=place,
        issuer=issuer,
        original_language=language,
        notes=notes,
    )


def _date_and_place(lines: Sequence[str]) -> tuple[MetaValue, MetaValue | None] | None:
    for line in lines:
        found = find_date(line)
        if found is None:
            continue
        iso, start = found
        place = find_place(line, start)
        return MetaValue(iso, line), (MetaValue(place, line) if place else None)
    return None
