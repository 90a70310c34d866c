"""Fixtures for the documents tests."""

from __future__ import annotations

import pytest

from core.config import CompanySettings
from tests.documents.samples import seller


@pytest.fixture
def company() -> CompanySettings:
    return seller()
