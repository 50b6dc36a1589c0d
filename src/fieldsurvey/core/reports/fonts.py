"""Fonts for reports, and text split into runs each font can draw.

The bundled Droid Sans Fallback has the Chinese glyphs but no Latin letters or digits, and
reportlab does no font fallback of its own. So text is cut into runs: what Helvetica's
WinAnsi encoding can draw goes to Helvetica (one of the PDF base fonts, nothing to embed),
what the CJK font has goes to it (embedded as a subset), and anything neither has (emoji,
say) is written as its code point, ``[U+1F600]``, rather than drawn as an empty box.
"""

from __future__ import annotations

import functools
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from fieldsurvey import paths

CJK = "FieldSurveyCJK"
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
FONT_FILE = "DroidSansFallbackFull.ttf"


@functools.cache
def register_fonts() -> None:
    """Register the CJK font once per process (parsing it takes about 0.1 s).

    Also turns off reportlab's ASCII85 wrapping of compressed streams, process-wide and once
    (so every PDF made in this process has the same form): binary streams are 20% smaller
    and encoding ASCII85 in pure Python was a fifth of the time a sheet took.
    """
    rl_config.useA85 = 0
    path = paths.resources_dir() / "fonts" / FONT_FILE
    pdfmetrics.registerFont(TTFont(CJK, str(path)))


@functools.cache
def _latin() -> frozenset[str]:
    out = set()
    for code in range(0x20, 0x2200):
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
