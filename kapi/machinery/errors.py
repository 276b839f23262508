"""API errors carried as `metav1.Status` (upstream `k8s.io/apimachinery/pkg/api/errors`).

Every error a client can see is a `StatusError`. Constructors mirror upstream's `New*`
functions so messages, reasons and details match kube-apiserver. The endpoints layer
serializes `StatusError.status()` in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kapi.machinery import field as fielderr
from kapi.machinery.schema import GroupKind, GroupResource


@dataclass(frozen=True, slots=True)
class Cause:
    reason: str = ""
    message: str = ""
    field: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.reason:
            out["reason"] = self.reason
        if self.message:
            out["message"] = self.message
        if self.field:
            out["field"] = self.field
        return out


@dataclass(slots=True)
class Details:
    name: str = ""
    group: str = ""
    kind: str = ""
    uid: str = ""
    causes: list[Cause] = field(default_factory=list)
    retry_after_seconds: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        if self.group:
            out["group"] = self.group
        if self.kind:
            out["kind"] = self.kind
        if self.uid:
            out["uid"] = self.uid
        if self.causes:
            out["causes"] = [c.to_dict() for c in self.causes]
        if self.retry_after_seconds:
            out["retryAfterSeconds"] = self.retry_after_seconds
        return out


class StatusError(Exception):
    """An error with its wire answer attached."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: Details | None = None,
        *,
        status: str = "Failure",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.status_text = status

    def status(self) -> dict[str, Any]:
        """The `metav1.Status` object, keys in upstream's order."""
        out: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": self.status_text,
        }
        if self.message:
            out["message"] = self.message
        if self.reason:
            out["reason"] = self.reason
        if self.details is not None:
            d = self.details.to_dict()
            if d:
                out["details"] = d
        out["code"] = self.code
        return out

    def __repr__(self) -> str:
        return f"StatusError({self.code}, {self.reason!r}, {self.message!r})"


def _details(qr: GroupResource, name: str, **kw: Any) -> Details:
    return Details(name=name, group=qr.group, kind=qr.resource, **kw)


def new_not_found(qr: GroupResource, name: str) -> StatusError:
    msg = f'{qr} "{name}" not found' if name else f"{qr} not found"
    return StatusError(404, "NotFound", msg, _details(qr, name))


def new_already_exists(qr: GroupResource, name: str) -> StatusError:
    return StatusError(409, "AlreadyExists", f'{qr} "{name}" already exists', _details(qr, name))


def new_generate_name_conflict(qr: GroupResource, name: str, retry_after: int) -> StatusError:
    msg = (
        f'{qr} "{name}" already exists, the server was not able to generate a unique name '
        "for the object"
    )
    return StatusError(
        409, "AlreadyExists", msg, _details(qr, name, retry_after_seconds=retry_after)
    )


OPTIMISTIC_LOCK_MSG = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


def new_conflict(qr: GroupResource, name: str, err: str) -> StatusError:
    return StatusError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {qr} "{name}": {err}',
        _details(qr, name),
    )


def new_invalid(qk: GroupKind, name: str, errs: Sequence[fielderr.FieldError]) -> StatusError:
    causes = [Cause(e.type.cause, e.body(), e.field) for e in errs]
    msg = f'{qk} "{name}" is invalid: {fielderr.aggregate_message(errs)}'
    return StatusError(
        422, "Invalid", msg, Details(name=name, group=qk.group, kind=qk.kind, causes=causes)
    )


def new_bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def new_forbidden(
    qr: GroupResource, name: str, err: str, cause: Cause | None = None
) -> StatusError:
    if name:
        msg = f'{qr} "{name}" is forbidden: {err}'
    elif qr.resource:
        msg = f"{qr} is forbidden: {err}"
    else:
        msg = f"forbidden: {err}"
    details = _details(qr, name)
    if cause is not None:
        details.causes.append(cause)
    return StatusError(403, "Forbidden", msg, details)


def new_method_not_supported(qr: GroupResource, action: str) -> StatusError:
    return StatusError(
        405,
        "MethodNotAllowed",
        f'{action} is not supported on resources of kind "{qr}"',
        Details(group=qr.group, kind=qr.resource),
    )


def new_gone(message: str) -> StatusError:
    return StatusError(410, "Gone", message)


def new_resource_expired(message: str) -> StatusError:
    return StatusError(410, "Expired", message)


def new_internal_error(err: str) -> StatusError:
    return StatusError(
        500,
        "InternalError",
        f"Internal error occurred: {err}",
        Details(causes=[Cause(message=err)]),
    )


def new_timeout(message: str, retry_after: int) -> StatusError:
    return StatusError(
        504, "Timeout", f"Timeout: {message}", Details(retry_after_seconds=retry_after)
    )


def new_too_large_resource_version(expected: int, current: int, retry_after: int) -> StatusError:
    """`storage.NewTooLargeResourceVersionError` as the API shows it (504 Timeout)."""
    msg = f"Too large resource version: {expected}, current: {current}"
    return StatusError(
        504,
        "Timeout",
        f"Timeout: {msg}",
        Details(
            causes=[Cause("ResourceVersionTooLarge", "Too large resource version")],
            retry_after_seconds=retry_after,
        ),
    )


def new_too_old_resource_version(requested: int, oldest: int) -> StatusError:
    return new_resource_expired(f"too old resource version: {requested} ({oldest})")


def new_not_acceptable(accepted: Sequence[str]) -> StatusError:
    return StatusError(
        406,
        "NotAcceptable",
        "only the following media types are accepted: " + ", ".join(accepted),
    )


def new_unsupported_media_type(accepted: Sequence[str]) -> StatusError:
    return StatusError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
        + ", ".join(accepted),
    )


def new_request_entity_too_large(message: str) -> StatusError:
    return StatusError(413, "RequestEntityTooLarge", f"Request entity too large: {message}")


def new_service_unavailable(message: str) -> StatusError:
    return StatusError(503, "ServiceUnavailable", message)


def new_generic_not_found() -> StatusError:
    """The routing miss under a served group version (`NewGenericServerResponse(404)`)."""
    return StatusError(
        404, "NotFound", "the server could not find the requested resource", Details()
    )


def new_method_not_allowed() -> StatusError:
    return StatusError(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        Details(),
    )
