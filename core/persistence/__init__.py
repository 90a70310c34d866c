"""Persistence: tortoise models, migrations, the database's life cycle."""

from __future__ import annotations

import tortoise.models


def _no_field_comments(cls: type) -> dict[str, str]:
    return {}


# Tortoise reads every model class's source code (inspect.getsource, then a regex) to collect `#:`
# field comments for its schema descriptions. Packdesk writes none, and reading 27 source files
# cost every command ~0.3 s of CPU before it did anything. Models and migrations are unchanged.
tortoise.models._get_comments = _no_field_comments
