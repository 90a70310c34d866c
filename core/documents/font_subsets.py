"""Font subsets made once per face and glyph set, shared between documents as bytes only.

fpdf2 subsets each document's fonts on output: fontTools parses the glyph tables of a fresh
copy of the face, prunes it and writes it again, though most documents use the same few dozen
glyphs. That was a third of an invoice's rendering time.

So a document's font file is a `DocumentFontFile`, and fpdf2's output module gets a
`Subsetter` that, for such a file, takes the subset from a bounded cache keyed by (face,
requested glyphs, subsetter options). A cached subset is a frozen pair of bytes and a read-only
glyph-id table: documents rendered at the same time share nothing they could change. A miss
makes the subset exactly as fpdf2 would (same parse, same options), so a render from the cache
is byte for byte the render without it.
"""

from __future__ import annotations

import io
import threading
import types
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import IO, Any

import fpdf.output as _fpdf_output
from fontTools import subset as ft_subset
from fontTools import ttLib

CACHE_SIZE = 256  # glyph sets kept per process: a few MiB at most, so memory stays flat
_lock = threading.Lock()
_cache: OrderedDict[Hashable, Subset] = OrderedDict()


@dataclass(frozen=True)
class Subset:
    """One face cut down to the glyphs a document uses, as fpdf2 embeds it."""

    data: bytes
    glyph_ids: Mapping[str, int]  # glyph name → id in the subset (a read-only view)


def _parse(data: bytes) -> ttLib.TTFont:
    return ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)


class DocumentFontFile:
    """One document's font file, as fpdf2's output reads it: subset, glyph ids, the bytes.

    Holds the face's bytes (shared, immutable) and, once subset, its cached `Subset`; anything
    else fpdf2 might ask of a font file is answered by a TTFont parsed from those bytes for this
    document alone.
    """

    def __init__(self, data: bytes, tags: frozenset[str]) -> None:
        self.data = data
        self.tags = tags
        self.subset: Subset | None = None
        self._font: ttLib.TTFont | None = None

    def adopt(self, subset: Subset) -> None:
        self.subset, self._font = subset, None

    def _parsed(self) -> ttLib.TTFont:
        if self._font is None:
            self._font = _parse(self.subset.data if self.subset else self.data)
        return self._font

    def __contains__(self, tag: str) -> bool:
        return tag in self.tags if self.subset is None else tag in self._parsed()

    def __getitem__(self, tag: str) -> Any:
        return self._parsed()[tag]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parsed(), name)

    def getGlyphID(self, name: str) -> int:  # fontTools' name, as fpdf2 calls it
        if self.subset is None:
            return int(self._parsed().getGlyphID(name))
        return self.subset.glyph_ids[name]

    def save(self, file: IO[bytes]) -> None:
        if self.subset is None:
            self._parsed().save(file)
        else:
            file.write(self.subset.data)

    def close(self) -> None:
        self._font = None


def _options_key(options: ft_subset.Options) -> tuple[tuple[str, Hashable], ...]:
    # Options hold only booleans, numbers, None and lists of strings or numbers.
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in vars(options).items())


def _make(data: bytes, subsetter: ft_subset.Subsetter) -> Subset:
    font = _parse(data)
    fresh = ft_subset.Subsetter(subsetter.options)
    fresh.populate(
        glyphs=sorted(subsetter.glyph_names_requested),
        gids=sorted(subsetter.glyph_ids_requested),
        unicodes=sorted(subsetter.unicodes_requested),
    )
    fresh.subset(font)
    out = io.BytesIO()
    font.save(out)
    ids = {name: font.getGlyphID(name) for name in font.getGlyphOrder()}
    return Subset(data=out.getvalue(), glyph_ids=types.MappingProxyType(ids))


def subset_of(file: DocumentFontFile, subsetter: ft_subset.Subsetter) -> Subset:
    """The subset `subsetter` asks for of `file`'s face: from the cache, else made and kept."""
    key = (
        file.data,  # hashed once per bytes object; compared by identity first
        frozenset(subsetter.glyph_names_requested),
        frozenset(subsetter.glyph_ids_requested),
        frozenset(subsetter.unicodes_requested),
        _options_key(subsetter.options),
    )
    try:
        hash(key)
    except TypeError:  # an option fontTools added since, of a kind not hashable: no caching
        return _make(file.data, subsetter)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    made = _make(file.data, subsetter)  # outside the lock: a second maker makes equal bytes
    with _lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made


def clear() -> None:
    """Forget every cached subset (tests compare renders with and without the cache)."""
    with _lock:
        _cache.clear()


class Subsetter(ft_subset.Subsetter):  # type: ignore[misc]
    """fontTools' subsetter, answering from the cache for a document's font file."""

    def subset(self, font: Any) -> None:
        if isinstance(font, DocumentFontFile):
            font.adopt(subset_of(font, self))
        else:
            super().subset(font)


class _SubsetModule(types.ModuleType):
    """`fontTools.subset` as fpdf2's output module sees it: the same, but this `Subsetter`."""

    Subsetter = Subsetter

    def __getattr__(self, name: str) -> Any:
        return getattr(ft_subset, name)


_fpdf_output.ftsubset = _SubsetModule("fontTools.subset")  # type: ignore[attr-defined]
