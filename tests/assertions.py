"""Assertions shared by the test files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def raises_with(kind: type[BaseException], call: Callable[[], Any], *fragments: str) -> str:
    """Run ``call``, expect ``kind``, check that the message holds every fragment; return it."""
    with pytest.raises(kind) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    return message
