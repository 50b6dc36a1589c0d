"""Fonts for reports, and text split into runs each font can draw.

The bundled Droid Sans Fallback has the Chinese glyphs but no Latin letters or digits, and
reportlab does no font fallback of its own. So text is cut into runs: Latin text (what the
WinAnsi encoding holds) goes to the bundled Liberation Sans, what the CJK font has goes to it,
and anything neither has (emoji, say) is written as its code point, ``[U+1F600]``, rather than
drawn as an empty box. Both fonts are embedded as subsets: a PDF relying on the viewer's
Helvetica was drawn with whatever font the viewer had instead, letters pulled apart ("Y es")
where that font's widths differ. Liberation Sans has Helvetica's widths, so layouts are the
same as they were with Helvetica.
"""

from __future__ import annotations

import functools
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont

from fieldsurvey import paths

CJK = "FieldSurveyCJK"
LATIN = "FieldSurveyLatin"
LATIN_BOLD = "FieldSurveyLatin-Bold"
FONT_FILE = "DroidSansFallbackFull.ttf"
LATIN_FILES = {LATIN: "LiberationSans-Regular.ttf", LATIN_BOLD: "LiberationSans-Bold.ttf"}


@functools.cache
def register_fonts() -> None:
    """Register the CJK font once per process (parsing it takes about 0.1 s).

    Also turns off reportlab's ASCII85 wrapping of compressed streams, process-wide and once
    (so every PDF made in this process has the same form): binary streams are 20% smaller
    and encoding ASCII85 in pure Python was a fifth of the time a sheet took.
    """
    rl_config.useA85 = 0
    folder = paths.resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(CJK, str(folder / FONT_FILE)))
    for name, file in LATIN_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    registerFontFamily(LATIN, normal=LATIN, bold=LATIN_BOLD, italic=LATIN, boldItalic=LATIN_BOLD)


@functools.cache
def _latin() -> frozenset[str]:
    register_fonts()
    has = pdfmetrics.getFont(LATIN).face.charToGlyph  # type: ignore[attr-defined]
    out = set()
    for code in range(0x20, 0x2200):
        if code not in has:
            continue
        ch = chr(code)
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            continue
        out.add(ch)
    return frozenset(out - {"\x7f"})


@functools.cache
def _cjk() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(CJK)
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


def runs(text: str) -> list[tuple[str | None, str]]:
    """``[(font, text), ...]``: font None for Latin, CJK for Chinese; unknowns spelled out."""
    latin, cjk = _latin(), _cjk()
    out: list[tuple[str | None, str]] = []
    current: str | None = None
    buf: list[str] = []
    for ch in text:
        if ch in latin or ch == "\n":
            font, piece = None, ch
        elif ord(ch) in cjk:
            font, piece = CJK, ch
        elif ch in "\t\r":
            font, piece = None, " "
        else:
            font, piece = None, f"[U+{ord(ch):04X}]"
        if font != current and buf:
            out.append((current, "".join(buf)))
            buf = []
        current = font
        buf.append(piece)
    if buf:
        out.append((current, "".join(buf)))
    return out


def markup(text: str) -> str:
    """Paragraph markup for *text*: escaped, line breaks kept, each run in a font that has it."""
    parts = []
    for font, piece in runs(text):
        body = escape(piece).replace("\n", "<br/>")
        parts.append(f'<font name="{font}">{body}</font>' if font else body)
    return "".join(parts)


Runs = list[tuple[str | None, str]]


def runs_width(parts: Runs, size: float, bold: bool = False) -> float:
    latin = LATIN_BOLD if bold else LATIN
    return sum(pdfmetrics.stringWidth(piece, font or latin, size) for font, piece in parts)


def string_width(text: str, size: float, bold: bool = False) -> float:
    return runs_width(runs(text), size, bold)


def draw_runs(canv, x: float, y: float, parts: Runs, size: float, bold: bool = False) -> None:
    """Draw runs as one text object, switching fonts between runs."""
    latin = LATIN_BOLD if bold else LATIN
    text = canv.beginText(x, y)
    for font, piece in parts:
        text.setFont(font or latin, size)
        text.textOut(piece.replace("\n", " "))
    canv.drawText(text)


def draw_string(canv, x: float, y: float, text: str, size: float, *, anchor: str = "left",
                bold: bool = False) -> None:  # fmt: skip
    """Draw one line on a canvas, switching fonts run by run (headers and footers)."""
    parts = runs(text)
    if anchor != "left":
        width = runs_width(parts, size, bold)
        x -= width if anchor == "right" else width / 2
    draw_runs(canv, x, y, parts, size, bold)
