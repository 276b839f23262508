"""Query parameters to typed options (upstream's meta parameter codec), with upstream's
400/422 answers for bad values. Pure functions."""

from __future__ import annotations

from kapi.machinery import errors, fields, labels
from kapi.machinery import field as fielderr
from kapi.machinery.options import (
    CreateOptions,
    DeleteOptions,
    GetOptions,
    ListOptions,
    UpdateOptions,
)
from kapi.machinery.schema import GroupKind
from kapi.machinery.validation import validate_list_options

Query = dict[str, list[str]]

_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def _first(query: Query, name: str) -> str | None:
    v = query.get(name)
    return v[0] if v else None


def parse_bool(query: Query, name: str) -> bool | None:
    v = _first(query, name)
    if v is None:
        return None
    if v in _TRUE or v == "":
        return True
    if v in _FALSE:
        return False
    raise errors.new_bad_request(f'strconv.ParseBool: parsing "{v}": invalid syntax')


def parse_int(query: Query, name: str) -> int | None:
    v = _first(query, name)
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError as err:
        raise errors.new_bad_request(f'strconv.ParseInt: parsing "{v}": invalid syntax') from err


def get_options(query: Query) -> GetOptions:
    return GetOptions(resource_version=_first(query, "resourceVersion") or "")


def list_options(query: Query, *, watch: bool) -> ListOptions:
    label_sel = field_sel = None
    ls = _first(query, "labelSelector")
    if ls:
        try:
            label_sel = labels.parse(ls)
        except ValueError as err:
            raise errors.new_bad_request(str(err)) from err
    fs = _first(query, "fieldSelector")
    if fs:
        try:
            field_sel = fields.parse(fs)
        except ValueError as err:
            raise errors.new_bad_request(str(err)) from err
    opts = ListOptions(
        label_selector=label_sel,
        field_selector=field_sel,
        resource_version=_first(query, "resourceVersion") or "",
        resource_version_match=_first(query, "resourceVersionMatch") or "",
        limit=parse_int(query, "limit") or 0,
        continue_token=_first(query, "continue") or "",
        watch=watch,
        allow_watch_bookmarks=bool(parse_bool(query, "allowWatchBookmarks")),
        send_initial_events=parse_bool(query, "sendInitialEvents"),
        timeout_seconds=parse_int(query, "timeoutSeconds"),
    )
    errs = validate_list_options(
        opts.resource_version,
        opts.resource_version_match,
        opts.continue_token,
        watch,
        opts.send_initial_events,
        opts.allow_watch_bookmarks,
    )
    if errs:
        raise errors.new_invalid(GroupKind("meta.k8s.io", "ListOptions"), "", errs)
    return opts


def dry_run(query: Query, kind: str) -> bool:
    values = query.get("dryRun") or []
    errs = [fielderr.not_supported("dryRun", v, ["All"]) for v in values if v != "All"]
    if errs:
        raise errors.new_invalid(GroupKind("meta.k8s.io", kind), "", errs)
    return bool(values)


FIELD_VALIDATION_VALUES = ("Ignore", "Warn", "Strict")


def field_validation(query: Query) -> str:
    v = _first(query, "fieldValidation") or "Warn"
    if v not in FIELD_VALIDATION_VALUES:
        raise errors.new_bad_request(
            f"fieldValidation must be one of Ignore, Warn, or Strict, got {v}"
        )
    return v


def field_manager(query: Query, user_agent: str) -> str:
    fm = _first(query, "fieldManager")
    if fm is not None:
        if len(fm) > 128:
            raise errors.new_invalid(
                GroupKind("meta.k8s.io", "PatchOptions"),
                "",
                [fielderr.too_long("fieldManager", fm, 128)],
            )
        return fm
    # Upstream `prefixFromUserAgent`: the User-Agent up to the first "/".
    return user_agent.split("/", 1)[0][:128]


def create_options(query: Query, user_agent: str) -> CreateOptions:
    return CreateOptions(
        dry_run=dry_run(query, "CreateOptions"),
        field_manager=field_manager(query, user_agent),
        field_validation=field_validation(query),
    )


def update_options(query: Query, user_agent: str, kind: str = "UpdateOptions") -> UpdateOptions:
    return UpdateOptions(
        dry_run=dry_run(query, kind),
        field_manager=field_manager(query, user_agent),
        field_validation=field_validation(query),
    )


def delete_options(query: Query, body: dict[str, object] | None) -> DeleteOptions:
    opts = DeleteOptions.from_dict(body or {})
    grace = parse_int(query, "gracePeriodSeconds")
    if grace is not None:
        opts.grace_period_seconds = grace
    policy = _first(query, "propagationPolicy")
    if policy:
        opts.propagation_policy = policy
    orphan = parse_bool(query, "orphanDependents")
    if orphan is not None:
        opts.orphan_dependents = orphan
    if query.get("dryRun"):
        opts.dry_run = dry_run(query, "DeleteOptions")
    return opts
