"""Statement PDFs made by the tests (and by scripts/make_samples.py): reportlab + DejaVu fonts.

A ``StatementSpec`` holds a statement's clean text (what a perfect pipeline gives back) and a
``Layout`` (how it is set). ``layout_statement`` sets it into pages of lines the way the real
statements look: a small preamble (issuer centred, code and date right), a bold centred title,
the address, justified body paragraphs, the closing, a running header and page numbers, and line
-end hyphenation of the words the spec allows. ``make_statement_pdf`` draws that layout;
``expected_result`` says what comes back, with every line-end break that was made.

Also helpers for hostile inputs: an encrypted PDF, a truncated one, random bytes, an image-only
page.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

import pdfplumber
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {
    "DejaVuSerif": "DejaVuSerif.ttf",
    "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSansCondensed": "DejaVuSansCondensed.ttf",
    "DejaVuSerifCondensed": "DejaVuSerifCondensed.ttf",
}
SOFT_HYPHEN = "\u00ad"
BREAK_MARK = "|"
"""Marks the allowed breaks in a spec's hyphenation words: "взаимо|действия"."""
TOKEN_PARTS = re.compile(r"^(\W*)(.*?)(\W*)$")
"""A token as leading punctuation, the word, trailing punctuation («мира», → «, мира, »,)."""

Role = Literal["preamble", "title", "address", "body", "closing", "header", "page_number"]


@dataclass(frozen=True)
class Layout:
    """How a statement is set on the page (points; A4 by default)."""

    page_width: float = A4[0]
    page_height: float = A4[1]
    margin_left: float = 78.0
    margin_right: float = 56.0
    margin_top: float = 64.0
    margin_bottom: float = 64.0
    body_font: str = "DejaVuSerif"
    bold_font: str = "DejaVuSerif-Bold"
    small_font: str = "DejaVuSans"
    body_size: float = 13.0
    title_size: float = 15.0
    small_size: float = 11.0
    leading: float = 1.45  # line pitch as a multiple of the font size
    paragraphs: Literal["indent", "space", "both"] = "indent"
    indent: float = 36.0
    paragraph_space: float = 10.0
    hyphen: str = "-"  # drawn at a soft line-end break: "-" or SOFT_HYPHEN
    page_number_format: str = "{n}"  # "{n}", "- {n} -", "– {n} –", "Page {n} of {total}", ...
    page_number_position: Literal["top", "bottom"] = "bottom"
    page_number_align: Literal["center", "right"] = "center"
    number_first_page: bool = False
    header_align: Literal["left", "center", "right"] = "right"
    justify: bool = True  # False: ragged right

    @property
    def text_width(self) -> float:
        return self.page_width - self.margin_left - self.margin_right


@dataclass(frozen=True)
class StatementSpec:
    """A statement's clean text, the words that may be hyphenated, and its layout."""

    issuer: str
    doc_code: str
    date: str
    title: str
    address: str
    paragraphs: tuple[str, ...]
    closing: str
    hyphenation: tuple[str, ...] = ()  # words with BREAK_MARK at the allowed breaks
    layout: Layout = field(default_factory=Layout)


@dataclass(frozen=True)
class TextLine:
    """One line as drawn: ``text`` reads as on the page (a line-end hyphen included)."""

    text: str
    words: tuple[str, ...]
    x: float
    baseline: float  # from the top of the page
    font: str
    size: float
    role: Role
    justify_to: float | None = None  # stretch the word gaps to this width


@dataclass(frozen=True)
class LineBreak:
    """A word split at a line end: ``head`` ends the line (with its hyphen), ``tail`` starts the
    next; "soft" breaks add a hyphen, "compound" ones break after the word's own hyphen."""

    word: str
    head: str
    tail: str
    kind: Literal["soft", "compound"]
    page: int


@dataclass(frozen=True)
class StatementLayout:
    pages: tuple[tuple[TextLine, ...], ...]
    breaks: tuple[LineBreak, ...]


@dataclass(frozen=True)
class FurnitureItem:
    text: str
    page: int
    role: Literal["header", "page_number"]


@dataclass(frozen=True)
class ExpectedStatement:
    """What a perfect pipeline returns for a generated statement."""

    preamble: tuple[str, ...]
    title: str
    address: str
    body: tuple[str, ...]
    closing: str
    furniture: tuple[FurnitureItem, ...]
    breaks: tuple[LineBreak, ...]
    pages: int


# --- fonts ---------------------------------------------------------------------------------


@cache
def register_fonts() -> None:
    """Register the DejaVu faces with reportlab once per process."""
    for name, file_name in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name)))


def text_width(text: str, font: str, size: float) -> float:
    register_fonts()
    return float(pdfmetrics.stringWidth(text, font, size))


# --- hyphenation and wrapping --------------------------------------------------------------


def break_points(hyphenation: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Allowed soft-break offsets per lower-cased word, from "взаимо|действия" marks."""
    points: dict[str, tuple[int, ...]] = {}
    for marked in hyphenation:
        parts = marked.split(BREAK_MARK)
        offsets = tuple(sum(len(p) for p in parts[: i + 1]) for i in range(len(parts) - 1))
        points["".join(parts).lower()] = offsets
    return points


def split_options(
    token: str, points: dict[str, tuple[int, ...]] | None, hyphen: str
) -> list[tuple[str, str, Literal["soft", "compound"]]]:
    """Ways to split a token at a line end, longest head first: (head, tail, kind).

    Compounds may always break after their own hyphen; other words only at their ``points``.
    ``points=None`` means no breaking at all (titles, preamble).
    """
    match = TOKEN_PARTS.match(token)
    assert match is not None  # the pattern matches any string
    lead, word, trail = match.groups()
    if points is None:
        return []
    options: list[tuple[int, Literal["soft", "compound"]]] = [
        (i + 1, "compound") for i, ch in enumerate(word[:-1]) if ch == "-" and i > 0
    ]
    options += [(offset, "soft") for offset in points.get(word.lower(), ())]
    result = []
    for offset, kind in sorted(options, reverse=True):
        head = lead + word[:offset] + (hyphen if kind == "soft" else "")
        result.append((head, word[offset:] + trail, kind))
    return result


@dataclass(frozen=True)
class _WrappedLine:
    words: tuple[str, ...]
    last: bool  # the paragraph's last line (not justified)
    split: tuple[str, str, str, Literal["soft", "compound"]] | None  # word, head, tail, kind


def wrap_paragraph(
    text: str,
    first_width: float,
    width: float,
    font: str,
    size: float,
    points: dict[str, tuple[int, ...]] | None,
    hyphen: str,
) -> list[_WrappedLine]:
    """Greedy word wrap; a word that does not fit is split at its last break that does."""
    space = text_width(" ", font, size)
    queue = text.split()
    lines: list[_WrappedLine] = []
    current: list[str] = []
    used = 0.0

    def available() -> float:
        return first_width if not lines else width

    while queue:
        token = queue.pop(0)
        needed = text_width(token, font, size) + (space if current else 0.0)
        if used + needed <= available():
            current.append(token)
            used += needed
            continue
        split = None
        for head, tail, kind in split_options(token, points, hyphen):
            if used + text_width(head, font, size) + (space if current else 0.0) <= available():
                split = (TOKEN_PARTS.sub(r"\2", token), head, tail, kind)
                current.append(head)
                queue.insert(0, tail)
                break
        else:
            if current:
                queue.insert(0, token)
            else:  # a word wider than the whole line stands alone on it
                current.append(token)
        lines.append(_WrappedLine(tuple(current), last=not queue, split=split))
        current, used = [], 0.0
    if current:
        lines.append(_WrappedLine(tuple(current), last=True, split=None))
    return lines


def wrap_plain(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy wrap without hyphenation (titles, preamble lines)."""
    return [
        " ".join(line.words) for line in wrap_paragraph(text, width, width, font, size, None, "")
    ]


# --- layout --------------------------------------------------------------------------------


class _Flow:
    """Places lines top to bottom, starting a new page when the text area is full."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.pages: list[list[TextLine]] = [[]]
        self.baseline = layout.margin_top

    def skip(self, points: float) -> None:
        self.baseline += points

    def place(
        self,
        words: Sequence[str],
        x: float,
        font: str,
        size: float,
        role: Role,
        justify_to: float | None = None,
    ) -> int:
        """Put one line at the next baseline; returns the 1-based page it landed on."""
        pitch = size * self.layout.leading
        if self.baseline + pitch > self.layout.page_height - self.layout.margin_bottom:
            self.pages.append([])
            self.baseline = self.layout.margin_top
        self.baseline += pitch
        text = " ".join(words)
        self.pages[-1].append(
            TextLine(text, tuple(words), x, self.baseline, font, size, role, justify_to)
        )
        return len(self.pages)


def _aligned_x(layout: Layout, width: float, align: str) -> float:
    if align == "center":
        return layout.margin_left + (layout.text_width - width) / 2
    if align == "right":
        return layout.page_width - layout.margin_right - width
    return layout.margin_left


def layout_statement(spec: StatementSpec) -> StatementLayout:
    """Set a statement into pages of lines; furniture is added once the page count is known."""
    lay = spec.layout
    flow = _Flow(lay)
    small, body, bold = lay.small_font, lay.body_font, lay.bold_font
    for text, align in ((spec.issuer, "center"), (spec.doc_code, "right"), (spec.date, "right")):
        for line in wrap_plain(text, lay.text_width, small, lay.small_size):
            width = text_width(line, small, lay.small_size)
            flow.place(
                line.split(), _aligned_x(lay, width, align), small, lay.small_size, "preamble"
            )
    flow.skip(lay.body_size * 2)
    title_width = lay.text_width * 0.9  # titles are set a little narrower than the text
    for line in wrap_plain(spec.title, title_width, bold, lay.title_size):
        width = text_width(line, bold, lay.title_size)
        flow.place(line.split(), _aligned_x(lay, width, "center"), bold, lay.title_size, "title")
    flow.skip(lay.body_size * 1.5)
    flow.place(spec.address.split(), lay.margin_left, body, lay.body_size, "address")
    flow.skip(lay.paragraph_space)
    breaks: list[LineBreak] = []
    blocks: list[tuple[str, Role]] = [(p, "body") for p in spec.paragraphs]
    blocks.append((spec.closing, "closing"))
    points = break_points(spec.hyphenation)
    for index, (text, role) in enumerate(blocks):
        if index and lay.paragraphs in ("space", "both"):
            flow.skip(lay.paragraph_space)
        indent = lay.indent if lay.paragraphs in ("indent", "both") else 0.0
        wrapped = wrap_paragraph(
            text, lay.text_width - indent, lay.text_width, body, lay.body_size, points, lay.hyphen
        )
        for number, line in enumerate(wrapped):
            x = lay.margin_left + (indent if number == 0 else 0.0)
            full_line = not line.last and lay.justify
            stretch = lay.page_width - lay.margin_right - x if full_line else None
            page = flow.place(line.words, x, body, lay.body_size, role, stretch)
            if line.split:
                word, head, tail, kind = line.split
                breaks.append(LineBreak(word, head, tail, kind, page))
    pages = [
        _with_furniture(lines, n, len(flow.pages), spec) for n, lines in enumerate(flow.pages, 1)
    ]
    return StatementLayout(tuple(pages), tuple(breaks))


def _with_furniture(
    lines: list[TextLine], number: int, total: int, spec: StatementSpec
) -> tuple[TextLine, ...]:
    """A page's lines plus its running header (pages 2+) and page number."""
    lay = spec.layout
    font, size = lay.small_font, lay.small_size
    furniture: list[TextLine] = []
    top_baseline = lay.margin_top / 2 + size / 2
    if number > 1:
        width = text_width(spec.doc_code, font, size)
        x = _aligned_x(lay, width, lay.header_align)
        furniture.append(
            TextLine(spec.doc_code, (spec.doc_code,), x, top_baseline, font, size, "header")
        )
    if number > 1 or lay.number_first_page:
        label = lay.page_number_format.format(n=number, total=total)
        width = text_width(label, font, size)
        x = _aligned_x(lay, width, lay.page_number_align)
        baseline = (
            top_baseline
            if lay.page_number_position == "top"
            else lay.page_height - lay.margin_bottom / 2 + size / 2
        )
        furniture.append(
            TextLine(label, tuple(label.split()), x, baseline, font, size, "page_number")
        )
    return (*lines, *furniture)


def expected_result(spec: StatementSpec) -> ExpectedStatement:
    """What a perfect pipeline returns for ``spec``: its clean text, furniture and breaks."""
    layout = layout_statement(spec)
    furniture = tuple(
        FurnitureItem(line.text, number, line.role)  # type: ignore[arg-type]
        for number, lines in enumerate(layout.pages, 1)
        for line in lines
        if line.role in ("header", "page_number")
    )
    return ExpectedStatement(
        preamble=(spec.issuer, spec.doc_code, spec.date),
        title=spec.title,
        address=spec.address,
        body=spec.paragraphs,
        closing=spec.closing,
        furniture=furniture,
        breaks=layout.breaks,
        pages=len(layout.pages),
    )


# --- drawing -------------------------------------------------------------------------------


def make_statement_pdf(
    path: Path, statement: StatementSpec, *, password: str | None = None
) -> Path:
    """Draw ``statement`` into a PDF at ``path`` (encrypted with ``password`` if given)."""
    register_fonts()
    layout = layout_statement(statement)
    lay = statement.layout
    canvas = Canvas(
        str(path), pagesize=(lay.page_width, lay.page_height), encrypt=password, invariant=True
    )
    canvas.setTitle(statement.title)
    for lines in layout.pages:
        for line in lines:
            _draw_line(canvas, line, lay.page_height)
        canvas.showPage()
    canvas.save()
    return path


def _draw_line(canvas: Canvas, line: TextLine, page_height: float) -> None:
    y = page_height - line.baseline
    canvas.setFont(line.font, line.size)
    if line.justify_to is None or len(line.words) < 2:
        canvas.drawString(line.x, y, line.text)
        return
    # Justified: each word at its own place, the spare width shared by the gaps.
    widths = [text_width(word, line.font, line.size) for word in line.words]
    gap = (line.justify_to - sum(widths)) / (len(line.words) - 1)
    x = line.x
    for word, width in zip(line.words, widths, strict=True):
        canvas.drawString(x, y, word)
        x += width + gap


@dataclass(frozen=True)
class GeneratedStatement:
    """A statement PDF on disk with what was drawn and what should come back."""

    spec: StatementSpec
    path: Path
    layout: StatementLayout
    expected: ExpectedStatement


def generate_statement(
    path: Path, spec: StatementSpec, *, password: str | None = None
) -> GeneratedStatement:
    make_statement_pdf(path, spec, password=password)
    return GeneratedStatement(spec, path, layout_statement(spec), expected_result(spec))


@dataclass(frozen=True)
class EncryptedPdf:
    path: Path
    password: str


def make_text_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    font: str = "DejaVuSerif",
    size: float = 12.0,
    overprint: float | None = None,
) -> Path:
    """A plain PDF with the given lines on each page, left-aligned, one below the other.

    ``overprint`` draws every line a second time that many points to the right: the fake bold
    of some generators, which doubles every character in the text layer.
    """
    register_fonts()
    canvas = Canvas(str(path), pagesize=A4)
    offsets = (0.0,) if overprint is None else (0.0, overprint)
    for lines in pages:
        canvas.setFont(font, size)
        for number, text in enumerate(lines):
            for offset in offsets:
                canvas.drawString(72 + offset, A4[1] - 72 - number * size * 1.5, text)
        canvas.showPage()
    canvas.save()
    return path


# --- hostile and unusual inputs ------------------------------------------------------------


def make_truncated_pdf(path: Path, source: Path, keep: float = 0.4) -> Path:
    """The first ``keep`` share of a real PDF's bytes: cut mid-stream, no xref, no trailer."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


SCAN_DPI = 300


def make_scan_tiff(path: Path, pdf: Path, dpi: int = SCAN_DPI) -> Path:
    """Every page of ``pdf`` drawn at ``dpi`` into one grayscale multi-page TIFF: a scan."""
    with pdfplumber.open(pdf) as document:
        images = [page.to_image(resolution=dpi).original.convert("L") for page in document.pages]
    images[0].save(path, save_all=True, append_images=images[1:], dpi=(dpi, dpi))
    return path


def make_random_bytes(path: Path, size: int = 4096, seed: int = 0) -> Path:
    """Random bytes under whatever name ``path`` has (a ".pdf" that is not one)."""
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def make_image_only_pdf(path: Path, lines: Sequence[str] = ("Mr. Chairperson,",)) -> Path:
    """One A4 page holding only a picture of some text lines: no text layer at all."""
    dpi = 150
    scale = dpi / 72
    width, height = int(A4[0] * scale), int(A4[1] * scale)
    image = Image.new("L", (width, height), color=255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_DIR / FONT_FILES["DejaVuSerif"]), int(13 * scale))
    for number, text in enumerate(lines):
        draw.text((int(78 * scale), int((90 + 20 * number) * scale)), text, fill=0, font=font)
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    canvas.showPage()
    canvas.save()
    return path


# --- the statements ------------------------------------------------------------------------

RUSSIAN_PARAGRAPHS = (
    "Российская Федерация внимательно ознакомилась с докладом Координатора экономической и "
    "экологической деятельности ОБСЕ. Мы признательны за подробное изложение итогов работы в "
    "области транспортной взаимосвязанности и за готовность Секретариата учитывать замечания "
    "государств-участников. Считаем, что именно практическая направленность таких проектов "
    "определяет их ценность для жителей нашего общего региона.",
    "Транспорт остается одной из немногих сфер, где интересы всех государств во многом "
    "совпадают. Упрощение таможенных процедур, согласование технических требований к "
    "подвижному составу и развитие пограничных переходов приносят ощутимую пользу и "
    "грузоотправителям, и простым путешественникам. В этой связи хотели бы отметить "
    "российско-казахстанские договоренности о совместном контроле на железнодорожных "
    "пунктах пропуска, которые позволили вдвое сократить время стоянки поездов.",
    "Вместе с тем мы не можем не выразить озабоченность тем, что в последние годы "
    "экономическое измерение ОБСЕ все чаще используется для продвижения односторонних "
    "подходов. Введение ограничительных мер в обход Совета Безопасности ООН разрушает "
    "сложившиеся производственные и логистические цепочки, ведет к росту цен на продовольствие "
    "и удобрения и в первую очередь бьет по наиболее уязвимым странам. Подобная практика "
    "противоречит духу Хельсинкского заключительного акта и подрывает доверие к Организации.",
    "Убеждены, что восстановление взаимодействия в экономической сфере возможно только на "
    "основе равноправия и учета интересов всех сторон. Предлагаем сосредоточить усилия на "
    "нескольких направлениях: цифровизации транспортной документации, гармонизации "
    "санитарных и фитосанитарных требований, а также подготовке кадров для пограничных и "
    "таможенных служб. Российская сторона готова поделиться опытом внедрения электронных "
    "накладных и предварительного информирования о перемещаемых товарах.",
    "Отдельно хотели бы остановиться на вопросах энергетической безопасности. Надежность "
    "поставок, предсказуемость транзита и защита критически важной инфраструктуры "
    "представляют общий интерес для производителей, транзитеров и потребителей. Диверсии на "
    "трубопроводах в Балтийском море наглядно показали, насколько уязвимы такие объекты и "
    "насколько важно беспристрастное международное расследование подобных инцидентов.",
    "Не менее важной задачей остается борьба с коррупцией и отмыванием преступных доходов. "
    "Российская Федерация последовательно выступает за укрепление взаимодействия "
    "подразделений финансовой разведки, обмен информацией о бенефициарных владельцах и "
    "возврат незаконно выведенных активов в страны происхождения. Полагаем, что ОБСЕ могла "
    "бы оказывать государствам содействие в подготовке специалистов и в распространении "
    "передовой практики, не дублируя при этом работу профильных международных структур, "
    "прежде всего Группы разработки финансовых мер борьбы с отмыванием денег.",
    "Рассчитываем, что предстоящий Экономико-экологический форум станет площадкой для "
    "профессионального, деполитизированного диалога экспертов. Со своей стороны готовы "
    "внести конструктивный вклад в подготовку его итоговых документов и поддержать "
    "инициативы, направленные на практическое сотрудничество, а не на обмен взаимными "
    "упреками.",
)

RUSSIAN_HYPHENATION = (
    "взаимо|связан|ности",
    "взаимо|действия",
    "Коор|ди|на|тора",
    "эко|но|ми|ческой",
    "эко|логи|ческой",
    "дея|тель|ности",
    "при|зна|тельны",
    "Секре|тари|ата",
    "госу|дарств",
    "прак|ти|ческая",
    "направ|лен|ность",
    "тамо|жен|ных",
    "про|цедур",
    "согла|сова|ние",
    "техни|ческих",
    "тре|бова|ний",
    "под|виж|ному",
    "погра|нич|ных",
    "груз|оправи|телям",
    "путе|шест|вен|никам",
    "дого|ворен|ности",
    "сов|мест|ном",
    "желез|нодо|рож|ных",
    "озабо|чен|ность",
    "исполь|зуется",
    "одно|сто|ронних",
    "огра|ничи|тельных",
    "произ|вод|ствен|ные",
    "логис|ти|ческие",
    "продо|воль|ствие",
    "противо|речит",
    "Хель|синк|ского",
    "заклю|чи|тельного",
    "восста|нов|ление",
    "равно|пра|вия",
    "цифро|виза|ции",
    "доку|мен|тации",
    "гармо|низа|ции",
    "сани|тарных",
    "фито|сани|тарных",
    "внед|рения",
    "элек|тронных",
    "пред|вари|тельного",
    "инфор|миро|вания",
    "переме|щаемых",
    "энерге|тической",
    "безопас|ности",
    "пред|сказуе|мость",
    "инфра|струк|туры",
    "про|изво|дите|лей",
    "тран|зите|ров",
    "потре|бите|лей",
    "трубо|прово|дах",
    "бес|при|страст|ное",
    "между|народ|ное",
    "рассле|дова|ние",
    "пред|стоя|щий",
    "профес|сио|наль|ного",
    "депо|лити|зиро|ванного",
    "кон|струк|тив|ный",
    "ини|циа|тивы",
    "сотруд|ниче|ство",
    "кор|руп|цией",
    "пре|ступ|ных",
    "после|дова|тельно",
    "подраз|деле|ний",
    "финан|совой",
    "бене|фици|арных",
    "неза|конно",
    "проис|хожде|ния",
    "содей|ствие",
    "специ|али|стов",
    "распро|стра|нении",
    "профиль|ных",
    "струк|тур",
    "разра|ботки",
)

ENGLISH_PARAGRAPHS = (
    "The European Union and its Member States thank the Co-ordinator of OSCE Economic and "
    "Environmental Activities for the comprehensive report and for the Office's continued "
    "engagement with participating States across the region. We welcome the emphasis the "
    "report places on practical projects that deliver tangible benefits to people and "
    "businesses.",
    "Good governance remains the foundation of economic co-operation. Transparent public "
    "procurement, independent audit institutions and effective anti-corruption bodies "
    "strengthen the confidence of investors and citizens alike. We encourage the Office to "
    "continue its assistance to participating States in implementing the commitments they "
    "undertook in the Ministerial Council Decision on strengthening good governance and "
    "promoting connectivity.",
    "We also attach great importance to the confidence-building potential of cross-border "
    "co-operation on environmental challenges. Shared rivers, transboundary protected areas "
    "and joint early-warning systems for floods and forest fires offer concrete opportunities "
    "for neighbours to work together, even where political relations are difficult. The "
    "Aarhus Centres deserve particular recognition for bringing civil society into these "
    "efforts.",
    "At the same time, we cannot ignore the profound consequences of Russia's war of "
    "aggression against Ukraine for the security of the entire OSCE area. The deliberate "
    "attacks on energy infrastructure, the damage to agricultural land and the disruption of "
    "maritime trade routes have undermined food and energy security far beyond the region. "
    "We support the Secretariat's efforts to assess the environmental impact of the war and "
    "to help Ukraine plan a sustainable recovery.",
    "We are also concerned about the growing use of digital technologies to facilitate "
    "corruption, fraud and the evasion of sanctions. Virtual assets and anonymous payment "
    "services make it easier to hide the proceeds of crime and to move them across borders "
    "within seconds. We welcome the training that the Office has organized for financial "
    "intelligence units and law enforcement agencies, and we encourage participating States "
    "to make full use of the expertise available in the field operations.",
    "Looking ahead, we see value in focusing the economic and environmental dimension on a "
    "limited number of priorities where the Organization can make a real difference: the "
    "digitalization of trade procedures, climate-related security risks, and the fight "
    "against money laundering and the financing of terrorism. We stand ready to contribute "
    "to a constructive discussion of these priorities in the run-up to the next Economic and "
    "Environmental Forum.",
)

ENGLISH_HYPHENATION = (
    "Co-or|dina|tor",
    "Envi|ron|men|tal",
    "environ|men|tal",
    "Activi|ties",
    "compre|hen|sive",
    "con|tinued",
    "engage|ment",
    "partici|pat|ing",
    "empha|sis",
    "prac|ti|cal",
    "tan|gible",
    "busi|nesses",
    "gov|er|nance",
    "founda|tion",
    "eco|nomic",
    "Trans|par|ent",
    "pro|cure|ment",
    "inde|pen|dent",
    "insti|tu|tions",
    "effec|tive",
    "strength|en",
    "confi|dence",
    "inves|tors",
    "encour|age",
    "assis|tance",
    "imple|ment|ing",
    "com|mit|ments",
    "under|took",
    "Minis|terial",
    "Deci|sion",
    "strength|en|ing",
    "promot|ing",
    "connec|tivity",
    "impor|tance",
    "poten|tial",
    "chal|lenges",
    "trans|bound|ary",
    "pro|tected",
    "oppor|tu|ni|ties",
    "neigh|bours",
    "politi|cal",
    "rela|tions",
    "par|tic|u|lar",
    "recog|ni|tion",
    "pro|found",
    "conse|quences",
    "aggres|sion",
    "deliber|ate",
    "infra|struc|ture",
    "agri|cul|tural",
    "disrup|tion",
    "mari|time",
    "under|mined",
    "Secre|tariat's",
    "sus|tain|able",
    "recov|ery",
    "dimen|sion",
    "Organi|za|tion",
    "differ|ence",
    "digi|tal|iza|tion",
    "proce|dures",
    "climate-re|lated",
    "launder|ing",
    "financ|ing",
    "terror|ism",
    "con|tribute",
    "con|struc|tive",
    "discus|sion",
    "priori|ties",
    "con|cerned",
    "tech|nolo|gies",
    "facili|tate",
    "corrup|tion",
    "anony|mous",
    "ser|vices",
    "orga|nized",
    "intelli|gence",
    "enforce|ment",
    "exper|tise",
    "opera|tions",
)


def russian_statement(layout: Layout | None = None) -> StatementSpec:
    """A Russian OSCE statement, 2-3 pages with the default layout."""
    return StatementSpec(
        issuer="Постоянное представительство Российской Федерации при ОБСЕ",
        doc_code="PC.DEL/1234/22",
        date="17 ноября 2022 года",
        title="О роли ОБСЕ в развитии транспортной взаимосвязанности в регионе",
        address="Господин Председатель,",
        paragraphs=RUSSIAN_PARAGRAPHS,
        closing="Благодарю за внимание.",
        hyphenation=RUSSIAN_HYPHENATION,
        layout=layout or Layout(),
    )


def english_statement(layout: Layout | None = None) -> StatementSpec:
    """An English OSCE statement, 2-3 pages with the default layout."""
    return StatementSpec(
        issuer="Delegation of the European Union to the OSCE",
        doc_code="PC.DEL/1187/22",
        date="17 November 2022",
        title="Statement on the Report of the Co-ordinator of Economic and Environmental "
        "Activities",
        address="Mr. Chairperson,",
        paragraphs=ENGLISH_PARAGRAPHS,
        closing="Thank you.",
        hyphenation=ENGLISH_HYPHENATION,
        layout=layout or Layout(),
    )


SAMPLE_LAYOUTS = {
    "ru": Layout(
        body_size=14.5,
        margin_right=78.0,  # with these: 3 pages, three compounds broken at line ends
        hyphen=SOFT_HYPHEN,
        page_number_format="– {n} –",
        page_number_position="top",  # on one row with the running header, as in real ones
        page_number_align="center",
        header_align="right",
    ),
    "en": Layout(
        paragraphs="space",
        margin_right=72.0,  # "co-operation" and "early-warning" break at line ends
        body_font="DejaVuSans",
        bold_font="DejaVuSerif-Bold",
        page_number_format="Page {n} of {total}",
        page_number_position="bottom",
        page_number_align="right",
        number_first_page=True,
        header_align="left",
    ),
}
"""The layouts of the committed samples in input/ (also used by the tests)."""


def sample_statements() -> dict[str, StatementSpec]:
    """The statements behind input/ru-statement.pdf and input/en-statement.pdf."""
    return {
        "ru": russian_statement(SAMPLE_LAYOUTS["ru"]),
        "en": english_statement(SAMPLE_LAYOUTS["en"]),
    }


def iter_lines(layout: StatementLayout) -> Iterator[tuple[int, TextLine]]:
    """Every drawn line with its 1-based page number."""
    for number, lines in enumerate(layout.pages, 1):
        for line in lines:
            yield number, line
