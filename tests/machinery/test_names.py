"""generateName suffixes: upstream `pkg/storage/names/generate_test.go` (TestSimpleNameGenerator)
and `generate.go`'s length rule."""

from __future__ import annotations

import pytest

from kapi.machinery.names import (
    ALPHANUMS,
    MAX_GENERATED_NAME_LENGTH,
    generate_name,
    random_string,
)
from kapi.machinery.validation import is_dns1123_label


def test_simple_name_generator() -> None:
    """TestSimpleNameGenerator: the base is kept and 5 characters are appended."""
    name = generate_name("foo")
    assert name.startswith("foo")
    assert len(name) == len("foo") + 5
    assert all(c in ALPHANUMS for c in name[3:])


@pytest.mark.parametrize("length", [57, 58, 59, 63, 100])
def test_long_base_is_cut_to_58(length: int) -> None:
    """A long base is cut so the result fits in a 63-character DNS label."""
    base = "a" * length
    name = generate_name(base)
    assert name[: min(length, MAX_GENERATED_NAME_LENGTH)] == base[:MAX_GENERATED_NAME_LENGTH]
    assert len(name) == min(length, MAX_GENERATED_NAME_LENGTH) + 5
    assert is_dns1123_label(name) == []


def test_base_is_cut_in_bytes() -> None:
    """Go cuts bytes; a multi-byte character split by the cut is dropped."""
    name = generate_name("a" * 57 + "ā")
    assert name[:57] == "a" * 57
    assert len(name.encode()) == 57 + 5


def test_suffixes_differ() -> None:
    names = {generate_name("web-") for _ in range(50)}
    assert len(names) > 45


def test_alphabet() -> None:
    """Upstream utilrand's alphabet: no vowels, no 0, 1 or 3."""
    assert ALPHANUMS == "bcdfghjklmnpqrstvwxz2456789"
    s = random_string(1000)
    assert len(s) == 1000
    assert set(s) <= set(ALPHANUMS)
