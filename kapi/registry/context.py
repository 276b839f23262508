"""The per-request context handed to the registry (upstream's `genericapirequest` context)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str = "system:anonymous"
    groups: tuple[str, ...] = ("system:unauthenticated",)
    uid: str = ""


@dataclass(frozen=True, slots=True)
class RequestContext:
    namespace: str = ""
    user: UserInfo = field(default_factory=UserInfo)
    user_agent: str = ""
    # Warnings the registry wants sent back as `Warning: 299 - "..."` headers.
    warnings: list[str] = field(default_factory=list)

    def add_warning(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)
