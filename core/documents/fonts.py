"""The fonts documents are set in, shipped inside the package (DejaVu Sans, see fonts/LICENSE).

fpdf2 parses a TrueType file on every `add_font` and subsets the whole font again on output; with
DejaVu's 6,000 glyphs that is most of the time a document takes. So each face is parsed once per
process, trimmed in memory to the scripts European orders use (Latin, Greek, Cyrillic, punctuation,
currency signs; no hinting or layout tables, which fpdf2 does not use without text shaping) and
handed to every document as a fresh copy; the subset each document embeds is made once per
glyph set (core/documents/font_subsets.py). A document with a character outside that set is set
in the complete font instead, so nothing ever prints as a box that DejaVu could have drawn.

What DejaVu cannot draw at all (Chinese, Japanese, Korean, emoji) is drawn in fallback fonts
found on the system (`documents.fallback_fonts`; Debian's fonts-droid-fallback and
fonts-symbola by default), added only to the documents that need them. A character no font has
is printed as a visible replacement mark, and the owner is told which font is missing.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import io
import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fontTools import subset as ft_subset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from core.config import DocumentSettings
from core.documents.font_subsets import DocumentFontFile

log = logging.getLogger(__name__)
FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "dejavu"
FALLBACK = "dejavufull"
FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# Unicode ranges kept in the trimmed faces.
_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x17F),  # Latin-1 and Latin Extended-A (Polish, Czech, Turkish, Baltic …)
    (0x218, 0x21B),  # Romanian comma-below letters
    (0x2C6, 0x2DD),  # spacing accents
    (0x384, 0x3CE),  # Greek
    (0x400, 0x45F),  # Cyrillic
    (0x2013, 0x2026),  # dashes, quotes, bullet, ellipsis
    (0x20AC, 0x20AC),  # €
    (0x20BA, 0x20BA),  # ₺
    (0x2116, 0x2116),
    (0x2122, 0x2122),
    (0xFFFD, 0xFFFD),
)
_lock = threading.Lock()


@dataclass(frozen=True)
class _Face:
    data: bytes  # the (trimmed) TrueType file
    proto: TTFFont  # parsed once: metrics, cmap, descriptor
    tags: frozenset[str]  # the tables the file has


def _without_layout(path: Path) -> bytes:
    """The whole face without the layout and hinting tables fpdf2 does not use (untouched glyphs)."""
    font = ttLib.TTFont(path, recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    for tag in ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "fpgm", "prep", "cvt "):
        if tag in font:
            del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _trim(path: Path) -> bytes:
    font = ttLib.TTFont(path, recalcTimestamp=False)
    options = ft_subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "BASE", "JSTF", "MATH", "FFTM", "gasp"]
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=[u for lo, hi in _RANGES for u in range(lo, hi + 1)])
    subsetter.subset(font)
    # One Unicode BMP cmap is all fpdf2 reads; fewer subtables make every document's subset faster.
    cmap: Any = font["cmap"]
    cmap.tables = [t for t in cmap.tables if (t.platformID, t.platEncID) == (3, 1)]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _parse(family: str, style: str, data: bytes) -> _Face:
    # TTFFont reads from any file object; fpdf2's add_font would insist on a path.
    proto = TTFFont(FPDF(), io.BytesIO(data), f"{family}{style}", style)  # type: ignore[arg-type]
    return _Face(data=data, proto=proto, tags=frozenset(proto.ttfont.keys()))


@cache
def _face(family: str, style: str) -> _Face:
    with _lock:
        path = FONT_DIR / FACES[style]
        data = path.read_bytes() if family == FALLBACK else _trim(path)
        return _parse(family, style, data)


@cache
def _covered() -> frozenset[int]:
    return frozenset(_face(FAMILY, "").proto.cmap)


# What a document may share with the parsed face: values fpdf2 never changes after parsing.
# Everything else (the font descriptor, which gets the document's object id on output; the width
# table, a defaultdict that grows on every lookup of a missing character; the glyph maps) is copied
# (one level deep: their values are numbers and strings)
# so that documents rendered at the same time never write into each other's objects.
_IMMUTABLE_SLOTS = frozenset(
    {"type", "name", "sp", "ss", "up", "ut", "ttffile", "fontkey", "emphasis", "scale"}
    | {"unicode_range", "palette_index", "is_compressed", "is_cff", "is_cid_keyed", "is_symbol"}
    | {"cff_ros", "collection_font_number"}
)
# Made afresh for each document below.
_FRESH_SLOTS = frozenset(
    {"i", "ttfont", "subset", "missing_glyphs", "biggest_size_pt", "_hbfont", "color_font"}
)


def _copy_into(pdf: FPDF, face: _Face) -> None:
    proto = face.proto
    font: Any = TTFFont.__new__(TTFFont)
    for slot in TTFFont.__slots__:
        if hasattr(proto, slot) and slot not in _FRESH_SLOTS:
            value = getattr(proto, slot)
            setattr(font, slot, value if slot in _IMMUTABLE_SLOTS else copy.copy(value))
    font.i = len(pdf.fonts) + 1
    # Its own font file: subset on output from the cache of subsets (core/documents/font_subsets.py).
    font.ttfont = DocumentFontFile(face.data, face.tags)
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.color_font = None
    pdf.fonts[proto.fontkey] = font


# Where the fallback fonts are, for the renders of this context (config: documents.fallback_fonts).
_FALLBACK_PATHS: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar(
    "fallback_fonts", default=tuple(DocumentSettings().fallback_fonts)
)
_told: set[Path] = set()  # missing fallback fonts already logged (once per process is enough)


@contextlib.contextmanager
def fallback_fonts(paths: Sequence[Path]) -> Iterator[None]:
    """Render with these fallback fonts inside the block (threads started from it inherit them)."""
    token = _FALLBACK_PATHS.set(tuple(Path(p) for p in paths))
    try:
        yield
    finally:
        _FALLBACK_PATHS.reset(token)


@cache
def _fallback_face(path: Path) -> _Face | None:
    with _lock:
        if not path.is_file():
            return None
        # Without layout tables and hinting, each document's subset of a CJK font takes a
        # fraction of the time; parsed once per process, like the DejaVu faces.
        return _parse(f"fallback-{path.stem.lower()}", "", _without_layout(path))


def _fallbacks_for(missing: set[int]) -> list[_Face]:
    """The configured fallback faces that draw some of `missing`, in order; tells of absent ones."""
    faces = []
    for path in _FALLBACK_PATHS.get():
        face = _fallback_face(path)
        if face is None:
            if path not in _told:
                _told.add(path)
                log.warning(
                    "fallback font %s not found (documents.fallback_fonts): characters such as "
                    "Chinese, Japanese or emoji print as a replacement mark — install Debian's "
                    "fonts-droid-fallback and fonts-symbola or set the path",
                    path,
                )
            continue
        if missing & face.proto.cmap.keys():
            faces.append(face)
            missing = missing - face.proto.cmap.keys()
    return faces


def install(pdf: FPDF, texts: Iterable[str] = ()) -> str:
    """Give `pdf` the document fonts; return the family name to `set_font` with.

    The trimmed faces when they cover every character of `texts`, else the complete ones, plus
    the fallback fonts for what even those lack (`pdf.fallback_families`, in order).
    """
    used = {ord(ch) for t in texts for ch in t}
    family = FAMILY if used <= _covered() else FALLBACK
    pdf.fallback_families = []  # type: ignore[attr-defined]
    try:
        for style in FACES:
            _copy_into(pdf, _face(family, style))
    except (AttributeError, TypeError):  # fpdf2 changed its font internals: take the slow road
        pdf.fonts.clear()
        for style, name in FACES.items():
            pdf.add_font(FALLBACK, style, str(FONT_DIR / name))
        return FALLBACK
    if family == FALLBACK:
        missing = {u for u in used if u not in _complete_cover() and chr(u) not in "\n\t"}
        faces = _fallbacks_for(missing) if missing else []
        for face in faces:
            _copy_into(pdf, face)
        pdf.fallback_families = [f.proto.fontkey for f in faces]  # type: ignore[attr-defined]
        if faces:  # get_string_width (line wrapping) then measures these characters right
            pdf.set_fallback_fonts(pdf.fallback_families, exact_match=False)  # type: ignore[attr-defined]
    return family


def warm_up() -> None:
    """Parse the fonts now (a worker calls this at start so the first document is fast)."""
    for style in FACES:
        _face(FAMILY, style)


MISSING = "\ufffd"  # drawn by DejaVu as the replacement sign: visible, never a silent gap


@cache
def _complete_cover() -> frozenset[int]:
    return frozenset(_face(FALLBACK, "").proto.cmap)


def runs(pdf: FPDF | None, text: str) -> list[tuple[str, str]]:
    """`text` cut into (family, piece): the document font, or the first fallback that draws it.

    A character no installed font can draw is shown as '\ufffd' in the document font: fpdf2
    would leave it out of the page without a trace (the e-invoice XML keeps it).
    """
    cover = _complete_cover()
    if cover.issuperset(map(ord, text)):
        return [("", text)]
    families: list[str] = getattr(pdf, "fallback_families", [])
    out: list[tuple[str, str]] = []
    for ch in text:
        family = ""
        if ord(ch) not in cover and ch not in "\n\t":
            family = next((f for f in families if ord(ch) in pdf.fonts[f].cmap), "")  # type: ignore[union-attr]

            if not family:
                ch = MISSING
        if out and out[-1][0] == family:
            out[-1] = (family, out[-1][1] + ch)
        else:
            out.append((family, ch))
    return out


def visible(text: str) -> str:
    """`text` with each character DejaVu cannot draw shown as '\ufffd' (no fallback fonts)."""
    return "".join(piece for _, piece in runs(None, text))
