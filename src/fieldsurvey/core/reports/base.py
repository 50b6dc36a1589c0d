"""The base of every FieldSurvey document: page template, fonts, header, footer, "page X of Y".

Modelled on pretix's report exporters: the base class owns everything about the page, and a
report only assembles its story from small section helpers. Record sheets use it now; village
dossiers and the programme summary for office staff are meant to sit on the same base.

Output is reproducible (invariant 9): reportlab's invariant mode (fixed document id, no
random names), the creation date taken from the data rather than the clock, and no
timestamps anywhere else in the file.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from fieldsurvey import __version__
from fieldsurvey.core.reports.fonts import (
    LATIN,
    LATIN_BOLD,
    draw_runs,
    draw_string,
    markup,
    register_fonts,
    runs,
    runs_width,
)

GREY = colors.HexColor("#5f6368")
RULE = colors.HexColor("#c7cbd1")
SHADE = colors.HexColor("#eef1f5")

PAGE_OF = {"en": "page {page} of {pages}", "zh": "第 {page} 页，共 {pages} 页"}


class _FixedStamp:
    """Stands in for reportlab's TimeStamp so CreationDate/ModDate come from the data."""

    def __init__(self, moment: dt.datetime) -> None:
        moment = moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment
        self.t = moment.replace(tzinfo=dt.timezone.utc).timestamp()
        self.lt = moment.timetuple()
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


# a table names a font for every cell, flowable or not: Helvetica, unembedded, unless told
CELL_FONT = ("FONTNAME", (0, 0), (-1, -1), LATIN)


class _NumberedCanvas(Canvas):
    """Defers drawing headers and footers until the page count is known."""

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        kwargs["invariant"] = 1
        super().__init__(*args, **kwargs)
        self._report = report
        self._pages: list[dict[str, Any]] = []
        self._doc._timeStamp = _FixedStamp(report.created)

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._report.draw_page(self, number, total)
            super().showPage()
        super().save()


class Text(Flowable):
    """Text in a table cell: drawn run by run when it fits on one line (most answers do), a
    wrapped Paragraph only when it does not. Parsing Paragraph markup dominated render time."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.bold = style.fontName == LATIN_BOLD
        self._runs = runs(text) if "\n" not in text else None
        self._width = runs_width(self._runs, style.fontSize, self.bold) if self._runs else 0.0
        self._para: Paragraph | None = None

    def _paragraph(self) -> Paragraph:
        if self._para is None:
            self._para = Paragraph(markup(self.text), self.style)
        return self._para

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        if self._para is None and self._runs is not None and self._width <= aw:
            self.width, self.height = self._width, self.style.leading
            return self.width, self.height
        return self._paragraph().wrap(aw, ah)

    def split(self, aw: float, ah: float) -> list[Flowable]:
        return self._paragraph().split(aw, ah) if self._para is not None else []

    def draw(self) -> None:
        if self._para is not None:
            self._para.canv = self.canv
            self._para.draw()
            return
        style = self.style
        self.canv.setFillColor(style.textColor)
        y = self.height - style.fontSize
        draw_runs(self.canv, 0, y, self._runs or [], style.fontSize, self.bold)


class Report:
    """Subclasses set the texts and build ``story()``; ``render()`` returns the PDF bytes."""

    pagesize = A4
    margin = 16 * mm
    header_height = 10 * mm
    footer_height = 10 * mm

    def __init__(self, *, lang: str, title: str, created: dt.datetime, author: str = "") -> None:
        register_fonts()
        self.lang = lang if lang in PAGE_OF else "en"
        self.title = title
        self.created = created
        self.author = author
        self.styles = _styles()

    # -- what a report provides ------------------------------------------------------------
    def story(self) -> list[Flowable]:
        raise NotImplementedError

    def header_left(self) -> str:
        return self.title

    def header_right(self) -> str:
        return ""

    def footer_left(self) -> str:
        return ""

    # -- helpers for section builders ------------------------------------------------------
    def para(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(markup(text), self.styles[style])

    def cell(self, text: str, style: str = "body") -> Text:
        """A table cell's text (fast when it fits on one line)."""
        return Text(text, self.styles[style])

    # -- the page --------------------------------------------------------------------------
    def draw_page(self, canv: Canvas, page: int, pages: int) -> None:
        width, height = self.pagesize
        left, right = self.margin, width - self.margin
        canv.saveState()
        top = height - self.margin + 2 * mm
        canv.setFillColor(GREY)
        draw_string(canv, left, top, self.header_left(), 8.5)
        draw_string(canv, right, top, self.header_right(), 8.5, anchor="right")
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(left, top - 2.5 * mm, right, top - 2.5 * mm)
        bottom = self.margin - 6 * mm
        canv.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        draw_string(canv, left, bottom, self.footer_left(), 7.5)
        page_text = PAGE_OF[self.lang].format(page=page, pages=pages)
        draw_string(canv, right, bottom, page_text, 7.5, anchor="right")
        canv.restoreState()

    def render(self) -> bytes:
        buf = io.BytesIO()
        width, height = self.pagesize
        frame = Frame(
            self.margin,
            self.margin,
            width - 2 * self.margin,
            height - 2 * self.margin - self.header_height / 2,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        doc = BaseDocTemplate(
            buf,
            pagesize=self.pagesize,
            pageTemplates=[PageTemplate(id="page", frames=[frame])],
            title=self.title,
            author=self.author,
            creator=f"FieldSurvey {__version__}",
            invariant=1,
            lang=self.lang,
            initialFontName=LATIN,  # else the canvas names Helvetica, unembedded, on every page
        )
        doc.build(self.story(), canvasmaker=lambda *a, **k: _NumberedCanvas(*a, report=self, **k))
        return buf.getvalue()

    @property
    def frame_width(self) -> float:
        return self.pagesize[0] - 2 * self.margin


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=LATIN, fontSize=9, leading=11.5, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=GREY),
        "label": ParagraphStyle("label", parent=base, textColor=GREY),
        "title": ParagraphStyle("title", parent=base, fontName=LATIN_BOLD, fontSize=15, leading=19),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=LATIN_BOLD,
            fontSize=11,
            leading=14,
            spaceBefore=9,
            spaceAfter=3,
        ),  # fmt: skip
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=LATIN_BOLD,
            fontSize=9.5,
            leading=12,
            spaceBefore=5,
            spaceAfter=2,
        ),  # fmt: skip
        "th": ParagraphStyle("th", parent=base, fontName=LATIN_BOLD, fontSize=8, leading=10),
        "td": ParagraphStyle("td", parent=base, fontSize=8, leading=10),
    }
