"""The genre's formulas: forms of address, closing formulas and signature lines.

Each is recognised by a small grammar over cue data (``pipeline/cues``), never by a list of
whole sentences: a form of address is a chain of vocative phrases, each opening with an
honorific or naming the addressee; a closing formula is recognised by its function (thanks,
request, complimentary close, valediction, wish); a signature line is a marker, a signatory's
function, a person's name or a dateline. Reflow asks whether a line opens a salutation or a
closing (so that it starts a paragraph); sections asks the rest.
"""

from __future__ import annotations

import re

from pipeline.cues import CUES

MAX_VOCATIVE_CHARS = 110
"""A line of a salutation block is short ("Mr. Philemon Yang, President of the Assembly,")."""
MAX_VOCATIVE_WORDS = 14
MAX_LOWERCASE_CONTENT = 4
"""Lower-case content words a form of address may hold ("Colleagues from civil society and the
private sector,"); a clause has more, or has a pronoun or verb from ``clause_words``."""
QUALIFIED_OFFICE_WORDS = 4
"""An office may follow up to three capitalised qualifiers ("UN General Assembly President")."""
MAX_SALUTATION_WORDS_WITHOUT_CUE = 4
"""An in-body salutation without a cue word ("Ambassador Morrow,") has at most this many words."""
MAX_CLOSING_CHARS = {
    "thanks": 200,
    "request": 320,
    "complimentary_close": 400,
    "valediction": 60,
    "wish": 200,
}
"""A closing formula is short; a long paragraph that merely opens with thanks is body text. The
complimentary close of a note verbale names the addressee in full, hence its larger bound."""
MAX_SIGNATURE_CHARS = 120
MAX_SIGNATURE_WORDS = 14
MAX_NAME_WORDS = 5
PARTING_EXCLAMATION_WORDS = 3
"""A short exclamation after the thanks ("Tashi Delek!") is the last word of the closing."""

SALUTATION_END = re.compile(r"[,!:]$")
# A sentence end inside the text: "Mr." and "г." are abbreviations, so 4+ letters must end it.
SENTENCE_INSIDE = re.compile(r"\w{4,}[.!?]\s+\S")
TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*\.?")
FINAL_PUNCTUATION = " \t,;:!.…"
TOPIC_MARKER = re.compile(
    r"\s(?:on|about|regarding|concerning|о|об|по вопросу|в связи с|касательно|щодо|про)\s",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b\d{4}\b")  # a dated line is a heading or a dateline, never an address
POSSESSIVE = re.compile(r"\w['’]s\b")
INITIALS = re.compile(r"^(?:[^\W\d_]\.){1,3}$")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
NOMINATIVE_ENDINGS = frozenset(
    {
        "ь",
        "и",
        "ы",
        "а",
        "я",
        "о",
        "е",
        "ие",
        "ые",
        "ий",
        "ый",
        "ой",
        "ая",
        "яя",
        "ое",
        "ее",
        "і",
        "ї",
    }
)
CONJUNCTIONS = frozenset({"and", "и", "та", "і", "й"})


def _words(text: str) -> list[str]:
    return TOKEN.findall(text)


def _starts_with_cue(folded: str, cues: tuple[str, ...]) -> str | None:
    """The cue that ``folded`` (a casefolded phrase) opens with: a cue of five letters or more
    is a stem ("уважаем" → "уважаемые"); a shorter one must be a whole word ("mr", not "mrs").
    A Cyrillic stem takes nominative endings only: the address is in the nominative, while the
    dative names a letter's recipient ("Председателю", "участникам")."""
    for cue in cues:
        if not folded.startswith(cue):
            continue
        rest = folded[len(cue) :]
        ending = re.match(r"[^\W\d_]*", rest)
        suffix = ending.group() if ending else ""
        if not suffix:
            return cue
        if len(cue) < 5:
            continue
        if CYRILLIC.search(cue) and suffix not in NOMINATIVE_ENDINGS:
            continue
        return cue
    return None


def is_addressee_word(word: str) -> bool:
    return _starts_with_cue(word.casefold().rstrip("."), CUES.addressees) is not None


def _is_patronymic_name(words: list[str]) -> bool:
    """ "Андрей Петрович": a capitalised name followed by a patronymic."""
    return any(
        word[:1].isupper() and len(word) > 5 and word.casefold().endswith(CUES.patronymic_endings)
        for word in words[1:3]
    )


def _is_qualified_office(words: list[str]) -> bool:
    """ "United Nations Secretary-General": capitalised qualifiers, then the office."""
    for index, word in enumerate(words[1:QUALIFIED_OFFICE_WORDS], start=1):
        qualifier = words[index - 1]
        if not qualifier[:1].isupper() or qualifier.casefold() in CUES.function_words:
            return False  # "ADMISSION OF NEW MEMBERS", "TO THE CHAIRMAN" name no addressee
        if is_addressee_word(word):
            return True
    return False


def opens_vocative(phrase: str) -> bool:
    """Does this phrase open like a form of address (honorific, addressee, "Your Excellency")?"""
    words = _words(phrase)
    if not words:
        return False
    if words[0].casefold() in CONJUNCTIONS and len(words) > 1:
        words = words[1:]
    folded = " ".join(words).casefold().replace(".", "")
    if _starts_with_cue(folded, CUES.honorifics) or _starts_with_cue(folded, CUES.addressees):
        return True
    # An office named with its qualifier first: "United Nations Secretary-General" (English
    # word order; a Russian qualifier follows its noun, and a genitive before it is no address).
    if not CYRILLIC.search(folded) and _is_qualified_office(words):
        return True
    if words[0].casefold() in CUES.possessives and len(words) > 1:
        rest = " ".join(words[1:]).casefold()
        return bool(
            _starts_with_cue(rest, CUES.addressees) or _starts_with_cue(rest, CUES.honorifics)
        )
    return _is_patronymic_name(words)


def _continues_vocative(phrase: str) -> bool:
    """A later phrase of an address: another form of address or a name ("Mr. Philemon Yang")."""
    words = _words(phrase)
    if not words:
        return False
    return opens_vocative(phrase) or words[0][:1].isupper()


def is_preamble_shaped(text: str) -> bool:
    """Issuer, document code, date, label, recipient: the shapes of a head line (cue data)."""
    return any(pattern.search(text) for pattern in CUES.preamble_patterns)


def is_byline(text: str) -> bool:
    """A speech named by its speaker: "Statement by the Delegation of Canada"."""
    if TOPIC_MARKER.search(text):
        return False  # "Statement by the Ministry on Malicious Cyber Activity" is a title
    return any(pattern.search(text) for pattern in CUES.byline_patterns)


def opens_topic(text: str) -> bool:
    """A heading that names a topic: "On the security situation", "О положении в …"."""
    return TOPIC_MARKER.match(" " + text.strip()) is not None


def is_vocative_line(text: str) -> bool:
    """One line of a salutation block: a chain of forms of address, in any letter case, ending
    with ",", "!", ":", ";", "." or nothing.

    >>> is_vocative_line("Excellencies, Heads of State, Government and Delegation,")
    True
    >>> is_vocative_line("ГОСПОДИН ПРЕДСЕДАТЕЛЬ,")
    True
    >>> is_vocative_line("Mr. President, allow me to congratulate you")
    False
    >>> is_vocative_line("Mr. President, the delegation of Austria fully supports the draft.")
    False
    """
    stripped = " ".join(text.split())
    core = stripped.rstrip(FINAL_PUNCTUATION)
    if not core or len(core) > MAX_VOCATIVE_CHARS or SENTENCE_INSIDE.search(core):
        return False
    if is_preamble_shaped(stripped) or is_byline(stripped):
        return False
    words = _words(core)
    if not words or len(words) > MAX_VOCATIVE_WORDS or POSSESSIVE.search(core) or YEAR.search(core):
        return False  # "The Secretary-General's report" names a thing, not an addressee
    phrases = [p for p in re.split(r"\s*[,;]\s*", core) if p]
    if not opens_vocative(phrases[0]) or not all(_continues_vocative(p) for p in phrases[1:]):
        return False
    folded = [w.casefold().rstrip(".") for w in words]
    if any(w in CUES.clause_words for w in folded[1:]):
        return False
    lowercase = [
        w
        for w in words[1:]
        if w[:1].islower() and w.casefold() not in CUES.function_words and not is_addressee_word(w)
    ]
    # Without final punctuation only a pure form of address is one ("Mr President").
    allowed = MAX_LOWERCASE_CONTENT if core != stripped else 0
    return len(lowercase) <= allowed


def is_salutation(text: str, *, require_cue: bool) -> bool:
    """A salutation standing alone: a form of address ending like one ("," "!" ":").

    Without ``require_cue`` a short capitalised address with no cue word also counts, for an
    in-body salutation such as "Ambassador Morrow,".

    >>> is_salutation("Господин Председатель,", require_cue=True)
    True
    >>> is_salutation("Ambassador Morrow,", require_cue=False)
    True
    >>> is_salutation("Mr. Smith said that the report, in his view,", require_cue=True)
    False
    """
    text = " ".join(text.split())
    if not SALUTATION_END.search(text):
        return False
    if is_vocative_line(text):
        return True
    if require_cue or SENTENCE_INSIDE.search(text):
        return False
    words = _words(text)
    return len(words) <= MAX_SALUTATION_WORDS_WITHOUT_CUE and all(
        w[:1].isupper() or w.casefold() in CUES.function_words for w in words
    )


def closing_function(text: str) -> str | None:
    """Which closing formula this paragraph is (thanks, request, complimentary_close,
    valediction, wish), or None.

    >>> closing_function("We thank you, Mr. Chairman.")
    'thanks'
    >>> closing_function("Просим распространить текст настоящего выступления в качестве документа.")
    'request'
    >>> closing_function("We thank the Chair for the report.") is None
    True
    """
    text = " ".join(text.split())
    # The formula opens the paragraph: body text that reflow ran into a formula is no closing.
    sentence = SENTENCE_INSIDE.search(text)
    first_sentence_end = sentence.end() - 1 if sentence else len(text)
    for function, patterns in CUES.closing.items():
        if len(text) > MAX_CLOSING_CHARS[function]:
            continue
        for pattern in patterns:
            match = pattern.search(text)
            if match and match.start() < first_sentence_end:
                return function
    return None


def is_closing(text: str) -> bool:
    """A closing formula other than a parting wish (which closes only as the very last one)."""
    return closing_function(text) not in (None, "wish")


def is_parting_exclamation(text: str) -> bool:
    """A short exclamation such as "Tashi Delek!" or "Vive la France!"."""
    text = text.strip()
    return text.endswith("!") and len(_words(text)) <= PARTING_EXCLAMATION_WORDS


def _is_name(words: list[str]) -> bool:
    """ "J. Doe", "И. Кравченко", "Ingrid Solheim Aas": initials and capitalised words."""
    if not 1 < len(words) <= MAX_NAME_WORDS:
        return False
    capitalised = [
        w for w in words if INITIALS.match(w) or (w[:1].isupper() and not w.endswith("."))
    ]
    particles = [w for w in words if w.casefold() in CUES.function_words]
    return len(capitalised) + len(particles) == len(words) and len(capitalised) >= 2


def _without_rank(folded: str) -> str:
    """A function without the rank words before it: "first deputy minister" → "deputy minister"."""
    first, _, rest = folded.partition(" ")
    while rest and first in CUES.signatory_qualifiers:
        first, _, rest = rest.partition(" ")
        folded = f"{first} {rest}" if rest else first
    return folded


def signature_line_kind(text: str) -> str | None:
    """What a signatory-block line is: "marker", "function", "dateline", "name", or None."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_SIGNATURE_CHARS:
        return None
    folded = text.casefold()
    if folded.startswith(CUES.signature_markers):
        return "marker"
    words = _words(text)
    if len(words) > MAX_SIGNATURE_WORDS or text.endswith(("!", "?", ":", ";")):
        return None
    function = _without_rank(folded)
    if _starts_with_cue(function, CUES.signatory_functions) and not SENTENCE_INSIDE.search(text):
        return "function"  # "Permanent Representative", "First Deputy Minister J. Doe"
    if is_preamble_shaped(text) and YEAR.search(text):
        return "dateline"  # "New York, 21 January 2025"
    if _is_name([w for w in words if w.casefold() not in CUES.honorifics]):
        return "name"
    return None


def is_signature_line(text: str) -> bool:
    """A line of a signatory block: "(Signed) J. Doe", a function, a name, a dateline.

    >>> is_signature_line("(Подпись) И. Кравченко")
    True
    >>> is_signature_line("Permanent Representative")
    True
    >>> is_signature_line("Let us choose peace.")
    False
    """
    return signature_line_kind(text) is not None
