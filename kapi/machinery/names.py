"""Names for `generateName` (upstream `k8s.io/apiserver/pkg/storage/names/generate.go`)."""

from __future__ import annotations

import random

# Upstream `utilrand` alphabet: no vowels, so no accidental words; no 0, 1 or 3.
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
MAX_NAME_LENGTH = 63
RANDOM_LENGTH = 5
MAX_GENERATED_NAME_LENGTH = MAX_NAME_LENGTH - RANDOM_LENGTH


def random_string(n: int) -> str:
    return "".join(random.choices(ALPHANUMS, k=n))


def generate_name(base: str) -> str:
    """`base` cut to 58 bytes plus 5 random characters, so a valid DNS-label prefix gives a
    valid name. The Store retries on a collision."""
    raw = base.encode()
    if len(raw) > MAX_GENERATED_NAME_LENGTH:
        # Go cuts bytes; drop a split multi-byte character rather than emit bad UTF-8.
        base = raw[:MAX_GENERATED_NAME_LENGTH].decode(errors="ignore")
    return base + random_string(RANDOM_LENGTH)
