"""What a test needs from outside the repo: skip where it may be missing, fail in CI where it must not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    """Skip with the reason on a user's machine; in CI (CI=true) the same reason fails the test."""
    if in_ci():
        pytest.fail(f"{reason}: CI must run this test")
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A path under ../shared (seed articles, the Atom grammar), or skip/fail when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        unavailable(f"{path} is absent (../shared is not beside this checkout)")
    return path
