"""Font subsets cached between documents: a cached render is the render without the cache."""

from __future__ import annotations

import types
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.config import CompanySettings
from core.documents import font_subsets
from core.documents.content import build_content
from core.documents.render import render_pdf
from core.domain.documents import DocumentKind
from tests.documents.samples import ISSUED, line, order, pdf_text


def _content(company: CompanySettings, title: str, number: str) -> dict:  # type: ignore[type-arg]
    lines = [line(1, "9.99"), line(2, "4.50", rate="7")]
    for ln in lines:
        ln.title = f"{title} {ln.id}"
    return build_content(order(lines), DocumentKind.INVOICE, number, ISSUED, company)


TITLES = ("Kabel", "Żółć gęślą jaźń", "Ωμέγα Жук", "Kabel ǅ")  # ǅ: set in the complete face


def test_a_render_from_cached_subsets_equals_one_made_afresh(company: CompanySettings) -> None:
    contents = [_content(company, t, f"RE-2026-{n:05d}") for n, t in enumerate(TITLES)]
    font_subsets.clear()
    fresh = [render_pdf(c) for c in contents]  # each subset made for the first time
    made = len(font_subsets._cache)
    assert made >= len(TITLES)  # a regular subset per glyph set (the bold ones may be shared)
    cached = [render_pdf(c) for c in reversed(contents)][::-1]
    assert len(font_subsets._cache) == made  # all taken from the cache
    assert cached == fresh
    for data, title in zip(cached, TITLES, strict=True):
        assert f"{title} 1" in pdf_text(data)  # each document got its own glyphs, not another's


def test_documents_in_threads_with_different_glyph_sets_get_their_own(
    company: CompanySettings,
) -> None:
    contents = [_content(company, TITLES[n % 4], f"RE-2026-{n:05d}") for n in range(24)]
    font_subsets.clear()
    serial = [render_pdf(c) for c in contents]
    font_subsets.clear()
    with ThreadPoolExecutor(max_workers=12) as pool:
        parallel = list(pool.map(render_pdf, contents))
    assert parallel == serial


def test_a_cached_subset_cannot_be_changed_by_a_document() -> None:
    subset = font_subsets.Subset(data=b"x", glyph_ids=types.MappingProxyType({}))
    with pytest.raises(TypeError):
        subset.glyph_ids["A"] = 1  # type: ignore[index]
    with pytest.raises(AttributeError):
        subset.data = b"y"  # type: ignore[misc]
