"""Generic validation, as upstream's apimachinery reports it.

Sources, mirrored section by section:

- `k8s.io/apimachinery/pkg/util/validation` and `pkg/api/validate/content`: format checks
  (`is_*`) returning plain messages. Label keys/values (the `content` package) count bytes
  and say "bytes"; DNS names (the `validation` package) say "characters", as upstream does.
- `pkg/api/validation` (`generic.go`, `objectmeta.go`, `path/name.go`): name functions
  (`ValidateNameFunc`) and ObjectMeta validation on create and update.
- `pkg/apis/meta/v1/validation`: labels, label selectors, field manager, dryRun,
  managedFields.
- `pkg/apis/meta/internalversion/validation`: ListOptions.

Go measures strings in bytes (`len`), so every length check here counts UTF-8 bytes.
Regexes are matched whole-string (`fullmatch`): Go's `$` does not accept a trailing newline.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from kapi.machinery import field
from kapi.machinery.field import ErrorList, Path

# --------------------------------------------------------------------------------------
# Message helpers (upstream `RegexError`, `MaxLenError`, `EmptyError`, ...)


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    """`validation.MaxLenError` (DNS names, config keys)."""
    return f"must be no more than {length} characters"


def _max_bytes_error(length: int) -> str:
    # `content.MaxLenError` (label keys and values).
    return f"must be no more than {length} bytes"


def empty_error() -> str:
    return "must be non-empty"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


# Default paths (Path objects are immutable, so sharing them is safe).
_METADATA = Path("metadata")
_FIELD_MANAGER = Path("fieldManager")
_DRY_RUN = Path("dryRun")
_FIELD_VALIDATION = Path("fieldValidation")


def _blen(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode())


# --------------------------------------------------------------------------------------
# Format checks: `(value) -> list of messages`, empty when valid.

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_LABEL_MAX_LENGTH = 63
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
    "or '.', and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
    "an alphabetic character, and end with an alphanumeric character"
)
DNS1035_LABEL_MAX_LENGTH = 63
_WILDCARD_DNS1123_SUBDOMAIN_FMT = "\\*\\." + _DNS1123_SUBDOMAIN_FMT
_WILDCARD_DNS1123_SUBDOMAIN_MSG = (
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
    "which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
    "alphanumeric character"
)

_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    "an alphanumeric character"
)
LABEL_KEY_MAX_LENGTH = 63
_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character"
)
LABEL_VALUE_MAX_LENGTH = 63

_C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*"
_C_IDENTIFIER_MSG = (
    "a valid C identifier must start with alphabetic character or '_', followed by a string "
    "of alphanumeric characters or '_'"
)
_ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_VAR_NAME_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', "
    "'-', or '.', and must not start with a digit"
)
_RELAXED_ENV_VAR_NAME_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters "
    "other than '='"
)
_CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_MAP_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_PERCENT_FMT = "[0-9]+%"
_PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'"
_HTTP_HEADER_NAME_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_NAME_MSG = "a valid HTTP header must consist of alphanumeric characters or '-'"

_dns1123_label_re = re.compile(_DNS1123_LABEL_FMT)
_dns1123_subdomain_re = re.compile(_DNS1123_SUBDOMAIN_FMT)
_dns1035_label_re = re.compile(_DNS1035_LABEL_FMT)
_wildcard_dns1123_subdomain_re = re.compile(_WILDCARD_DNS1123_SUBDOMAIN_FMT)
_label_key_re = re.compile(_LABEL_KEY_FMT)
_label_value_re = re.compile(_LABEL_VALUE_FMT)
_c_identifier_re = re.compile(_C_IDENTIFIER_FMT)
_env_var_name_re = re.compile(_ENV_VAR_NAME_FMT)
_config_map_key_re = re.compile(_CONFIG_MAP_KEY_FMT)
_percent_re = re.compile(_PERCENT_FMT)
_http_header_name_re = re.compile(_HTTP_HEADER_NAME_FMT)
_port_name_charset_re = re.compile("[-a-z0-9]+")
_port_name_letter_re = re.compile("[a-z]")


def is_dns1123_label(value: str) -> list[str]:
    errs: list[str] = []
    if _blen(value) > DNS1123_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if not _dns1123_label_re.fullmatch(value):
        if _dns1123_subdomain_re.fullmatch(value):
            # A valid subdomain but not a label: length was checked, so it has dots.
            errs.append("must not contain dots")
        else:
            errs.append(regex_error(_DNS1123_LABEL_MSG, _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _dns1123_subdomain_re.fullmatch(value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def _content_dns1123_subdomain(value: str) -> list[str]:
    # `content.IsDNS1123Subdomain`: the same check, but lengths are reported in bytes.
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(_max_bytes_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _dns1123_subdomain_re.fullmatch(value):
        errs.append(regex_error(_DNS1123_SUBDOMAIN_MSG, _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs: list[str] = []
    if _blen(value) > DNS1035_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if not _dns1035_label_re.fullmatch(value):
        errs.append(regex_error(_DNS1035_LABEL_MSG, _DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _wildcard_dns1123_subdomain_re.fullmatch(value):
        errs.append(
            regex_error(
                _WILDCARD_DNS1123_SUBDOMAIN_MSG, _WILDCARD_DNS1123_SUBDOMAIN_FMT, "*.example.com"
            )
        )
    return errs


def is_qualified_name(value: str) -> list[str]:
    """Upstream `IsQualifiedName` (= `content.IsLabelKey`): `[prefix/]name`."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + empty_error())
        else:
            errs.extend("prefix part " + m for m in _content_dns1123_subdomain(prefix))
    else:
        return [
            "a valid label key "
            + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part " + empty_error())
    elif _blen(name) > LABEL_KEY_MAX_LENGTH:
        errs.append("name part " + _max_bytes_error(LABEL_KEY_MAX_LENGTH))
    if not _label_key_re.fullmatch(name):
        errs.append(
            "name part "
            + regex_error(_LABEL_KEY_MSG, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
        )
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """Upstream `IsValidLabelValue` (= `content.IsLabelValue`)."""
    errs: list[str] = []
    if _blen(value) > LABEL_VALUE_MAX_LENGTH:
        errs.append(_max_bytes_error(LABEL_VALUE_MAX_LENGTH))
    if not _label_value_re.fullmatch(value):
        errs.append(regex_error(_LABEL_VALUE_MSG, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def is_c_identifier(value: str) -> list[str]:
    if not _c_identifier_re.fullmatch(value):
        return [regex_error(_C_IDENTIFIER_MSG, _C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName")]
    return []


def is_valid_port_num(port: int) -> list[str]:
    if 1 <= port <= 65535:
        return []
    return [inclusive_range_error(1, 65535)]


def is_in_range(value: int, lo: int, hi: int) -> list[str]:
    if lo <= value <= hi:
        return []
    return [inclusive_range_error(lo, hi)]


def is_valid_port_name(port: str) -> list[str]:
    errs: list[str] = []
    if _blen(port) > 15:
        errs.append(max_len_error(15))
    if not _port_name_charset_re.fullmatch(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _port_name_letter_re.search(port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _parse_ip_sloppy(value: str) -> bool:
    # k8s.io/utils/net.ParseIPSloppy: Go's net.ParseIP, but IPv4 octets may have leading
    # zeros. No zones, no brackets, no surrounding space.
    if not value or "%" in value or value.strip() != value:
        return False
    if ":" not in value:
        return _ipv4_sloppy(value)
    head, _, tail = value.rpartition(":")
    if "." in tail:
        # An embedded dotted quad may also carry leading zeros.
        if not _ipv4_sloppy(tail):
            return False
        value = head + ":" + ".".join(str(int(p)) for p in tail.split("."))
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def _ipv4_sloppy(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(
        0 < len(p) <= 3 and p.isascii() and p.isdigit() and int(p) <= 255 for p in parts
    )


def is_valid_ip(value: str) -> list[str]:
    """Upstream `IsValidIP` (its single message; the caller adds the field path)."""
    if _parse_ip_sloppy(value):
        return []
    return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]


def is_valid_percent(percent: str) -> list[str]:
    if not _percent_re.fullmatch(percent):
        return [regex_error(_PERCENT_MSG, _PERCENT_FMT, "1%", "93%")]
    return []


def is_http_header_name(value: str) -> list[str]:
    if not _http_header_name_re.fullmatch(value):
        return [regex_error(_HTTP_HEADER_NAME_MSG, _HTTP_HEADER_NAME_FMT, "X-Header-Name")]
    return []


def _has_chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def is_env_var_name(value: str) -> list[str]:
    errs: list[str] = []
    if not _env_var_name_re.fullmatch(value):
        errs.append(
            regex_error(
                _ENV_VAR_NAME_MSG, _ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"
            )
        )
    errs.extend(_has_chdir_prefix(value))
    return errs


def is_relaxed_env_var_name(value: str) -> list[str]:
    errs: list[str] = []
    if not value:
        errs.append("environment variable name " + empty_error())
    if any(not (c.isascii() and c.isprintable()) or c == "=" for c in value):
        errs.append(_RELAXED_ENV_VAR_NAME_MSG)
    return errs


def is_config_map_key(value: str) -> list[str]:
    errs: list[str] = []
    if _blen(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _config_map_key_re.fullmatch(value):
        errs.append(
            regex_error(
                _CONFIG_MAP_KEY_MSG, _CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"
            )
        )
    errs.extend(_has_chdir_prefix(value))
    return errs


# --------------------------------------------------------------------------------------
# Name validation functions (upstream `ValidateNameFunc`): `prefix` is true when the value
# is a generateName, to which a random suffix will be appended.

NameFunc = Callable[[str, bool], list[str]]


def _mask_trailing_dash(name: str) -> str:
    # Upstream replaces the last *two* characters with "a"; kept as is so that the same
    # prefixes are accepted and rejected.
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)


validate_namespace_name = name_is_dns_label
validate_service_account_name = name_is_dns_subdomain


def validate_path_segment_name(name: str, prefix: bool) -> list[str]:
    """Upstream `path.ValidatePathSegmentName`: safe to use as one URL / storage path segment."""
    if not prefix:
        for illegal in (".", ".."):
            if name == illegal:
                return [f"may not be '{illegal}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


# --------------------------------------------------------------------------------------
# Labels, annotations, selectors (`pkg/apis/meta/v1/validation`, `objectmeta.go`)

TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10)
FIELD_IMMUTABLE_ERROR_MSG = "field is immutable"
IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0"


def validate_label_name(name: str, path: Path) -> ErrorList:
    return [field.invalid(path, name, msg) for msg in is_qualified_name(name)]


def validate_labels(labels: Mapping[str, str] | None, path: Path) -> ErrorList:
    errs: ErrorList = []
    for k, v in (labels or {}).items():
        errs.extend(validate_label_name(k, path))
        errs.extend(field.invalid(path, v, msg) for msg in is_valid_label_value(v))
    return errs


def validate_annotations(annotations: Mapping[str, str] | None, path: Path) -> ErrorList:
    """Keys are qualified names compared case-insensitively; all keys and values together
    may not exceed 256 KiB."""
    errs: ErrorList = []
    total = 0
    for k, v in (annotations or {}).items():
        errs.extend(field.invalid(path, k, msg) for msg in is_qualified_name(k.lower()))
        total += _blen(k) + _blen(v if isinstance(v, str) else "")
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B:
        errs.append(field.too_long(path, "", TOTAL_ANNOTATION_SIZE_LIMIT_B))
    return errs


_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector(
    selector: Mapping[str, Any] | None,
    path: Path,
    *,
    allow_invalid_label_value: bool = False,
) -> ErrorList:
    """Upstream `ValidateLabelSelector` for a `metav1.LabelSelector` dict."""
    errs: ErrorList = []
    if selector is None:
        return errs
    errs.extend(validate_labels(selector.get("matchLabels"), path.child("matchLabels")))
    for i, expr in enumerate(selector.get("matchExpressions") or []):
        errs.extend(
            _validate_selector_requirement(
                expr, path.child("matchExpressions").index(i), allow_invalid_label_value
            )
        )
    return errs


def _validate_selector_requirement(
    req: Mapping[str, Any], path: Path, allow_invalid_label_value: bool
) -> ErrorList:
    errs: ErrorList = []
    op = req.get("operator") or ""
    values: list[str] = req.get("values") or []
    if op in ("In", "NotIn"):
        if not values:
            errs.append(
                field.required(
                    path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"
                )
            )
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(
                field.forbidden(
                    path.child("values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
            )
    else:
        errs.append(field.invalid(path.child("operator"), op, "not a valid selector operator"))
    errs.extend(validate_label_name(req.get("key") or "", path.child("key")))
    if not allow_invalid_label_value:
        for i, v in enumerate(values):
            errs.extend(
                field.invalid(path.child("values").index(i), v, msg)
                for msg in is_valid_label_value(v)
            )
    return errs


# --------------------------------------------------------------------------------------
# ObjectMeta (`pkg/api/validation/objectmeta.go`)

# Upstream `BannedOwners`: (group, version, kind).
_BANNED_OWNERS = {("", "v1", "Event")}


def _split_api_version(api_version: str) -> tuple[str, str] | None:
    # `schema.ParseGroupVersion`: "" | "v1" | "group/v1"; more slashes are an error.
    if not api_version:
        return "", ""
    parts = api_version.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    return None


def _validate_owner_reference(ref: Mapping[str, Any], path: Path) -> ErrorList:
    errs: ErrorList = []
    api_version = ref.get("apiVersion") or ""
    kind = ref.get("kind") or ""
    gv = _split_api_version(api_version)
    group, version = gv if gv is not None else ("", "")
    if not version:
        errs.append(
            field.invalid(path.child("apiVersion"), api_version, "version must not be empty")
        )
    if not kind:
        errs.append(field.invalid(path.child("kind"), kind, "must not be empty"))
    if not ref.get("name"):
        errs.append(field.invalid(path.child("name"), ref.get("name") or "", "must not be empty"))
    if not ref.get("uid"):
        errs.append(field.invalid(path.child("uid"), ref.get("uid") or "", "must not be empty"))
    if (group, version, kind) in _BANNED_OWNERS:
        # Upstream prints the Go struct; the JSON object carries the same fields.
        errs.append(
            field.invalid(
                path, dict(ref), f"{group}/{version}, Kind={kind} is disallowed from being an owner"
            )
        )
    return errs


def validate_owner_references(refs: Sequence[Mapping[str, Any]] | None, path: Path) -> ErrorList:
    errs: ErrorList = []
    first_controller = ""
    for ref in refs or []:
        errs.extend(_validate_owner_reference(ref, path))
        if ref.get("controller") is True:
            current = f"{ref.get('kind') or ''}/{ref.get('name') or ''}"
            if first_controller:
                errs.append(
                    field.invalid(
                        path,
                        [dict(r) for r in refs or []],
                        'Only one reference can have Controller set to true. Found "true" in '
                        f"references for {first_controller} and {current}",
                    )
                )
            else:
                first_controller = current
    return errs


FINALIZER_ORPHAN_DEPENDENTS = "orphan"
FINALIZER_DELETE_DEPENDENTS = "foregroundDeletion"


def validate_finalizer_name(name: str, path: Path) -> ErrorList:
    return [field.invalid(path, name, msg) for msg in is_qualified_name(name)]


def validate_finalizers(finalizers: Sequence[str] | None, path: Path) -> ErrorList:
    """Qualified names; `orphan` and `foregroundDeletion` are mutually exclusive. Errors carry
    the list's path, not an index, as upstream's do."""
    errs: ErrorList = []
    finalizers = list(finalizers or [])
    for f in finalizers:
        errs.extend(validate_finalizer_name(f, path))
    if FINALIZER_ORPHAN_DEPENDENTS in finalizers and FINALIZER_DELETE_DEPENDENTS in finalizers:
        errs.append(
            field.invalid(
                path,
                finalizers,
                f"finalizer {FINALIZER_ORPHAN_DEPENDENTS} and {FINALIZER_DELETE_DEPENDENTS} "
                "cannot be both set",
            )
        )
    return errs


def validate_no_new_finalizers(
    new: Sequence[str] | None, old: Sequence[str] | None, path: Path
) -> ErrorList:
    extra = sorted(set(new or []) - set(old or []))
    if not extra:
        return []
    listed = "[]string{" + ", ".join(field.format_value(f) for f in extra) + "}"
    return [
        field.forbidden(
            path,
            f"no new finalizers can be added if the object is being deleted, found new "
            f"finalizers {listed}",
        )
    ]


FIELD_MANAGER_MAX_LENGTH = 128
MAX_SUBRESOURCE_NAME_LENGTH = 256


def validate_field_manager(manager: str, path: Path = _FIELD_MANAGER) -> ErrorList:
    """At most 128 bytes, printable characters only."""
    errs: ErrorList = []
    if _blen(manager) > FIELD_MANAGER_MAX_LENGTH:
        errs.append(field.too_long(path, manager, FIELD_MANAGER_MAX_LENGTH))
    offset = 0
    for c in manager:
        if not c.isprintable():
            # Go's %#U of a non-printable rune; the position is a byte offset.
            errs.append(
                field.invalid(
                    path, manager, f"invalid character U+{ord(c):04X} (at position {offset})"
                )
            )
        offset += len(c.encode())
    return errs


def validate_managed_fields(entries: Sequence[Mapping[str, Any]] | None, path: Path) -> ErrorList:
    errs: ErrorList = []
    for i, entry in enumerate(entries or []):
        p = path.index(i)
        op = entry.get("operation") or ""
        if op not in ("Apply", "Update"):
            errs.append(field.invalid(p.child("operation"), op, "must be `Apply` or `Update`"))
        fields_type = entry.get("fieldsType") or ""
        if fields_type and fields_type != "FieldsV1":
            errs.append(field.invalid(p.child("fieldsType"), fields_type, "must be `FieldsV1`"))
        errs.extend(validate_field_manager(entry.get("manager") or "", p.child("manager")))
        sub = entry.get("subresource") or ""
        if _blen(sub) > MAX_SUBRESOURCE_NAME_LENGTH:
            errs.append(field.too_long(p.child("subresource"), sub, MAX_SUBRESOURCE_NAME_LENGTH))
    return errs


def validate_nonnegative_field(value: int, path: Path) -> ErrorList:
    if value < 0:
        return [field.invalid(path, value, IS_NEGATIVE_ERROR_MSG)]
    return []


def validate_object_meta(
    meta: Mapping[str, Any],
    requires_namespace: bool,
    name_fn: NameFunc,
    path: Path = _METADATA,
) -> ErrorList:
    """Upstream `ValidateObjectMetaAccessor`: metadata on create, after name generation."""
    errs: ErrorList = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        errs.extend(
            field.invalid(path.child("generateName"), generate_name, msg)
            for msg in name_fn(generate_name, True)
        )
    name = meta.get("name") or ""
    if not name:
        errs.append(field.required(path.child("name"), "name or generateName is required"))
    else:
        errs.extend(field.invalid(path.child("name"), name, msg) for msg in name_fn(name, False))
    return errs + _validate_object_meta_common(meta, requires_namespace, path)


def _validate_object_meta_common(
    meta: Mapping[str, Any], requires_namespace: bool, path: Path
) -> ErrorList:
    errs: ErrorList = []
    namespace = meta.get("namespace") or ""
    if requires_namespace:
        if not namespace:
            errs.append(field.required(path.child("namespace")))
        else:
            errs.extend(
                field.invalid(path.child("namespace"), namespace, msg)
                for msg in validate_namespace_name(namespace, False)
            )
    elif namespace:
        errs.append(field.forbidden(path.child("namespace"), "not allowed on this type"))
    errs.extend(validate_nonnegative_field(_int(meta.get("generation")), path.child("generation")))
    errs.extend(validate_labels(meta.get("labels"), path.child("labels")))
    errs.extend(validate_annotations(meta.get("annotations"), path.child("annotations")))
    errs.extend(
        validate_owner_references(meta.get("ownerReferences"), path.child("ownerReferences"))
    )
    errs.extend(validate_finalizers(meta.get("finalizers"), path.child("finalizers")))
    errs.extend(validate_managed_fields(meta.get("managedFields"), path.child("managedFields")))
    return errs


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


class GoText:
    """A bad value that `field.format_value` renders verbatim: for Go values whose printed
    form is neither a quoted string nor JSON (a time, a nil slice's `[]string(nil)`)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


_GO_ZERO_TIME = "0001-01-01 00:00:00 +0000 UTC"


def _parse_time(v: Any) -> datetime | None:
    if not isinstance(v, str) or not v:
        return None
    try:
        t = datetime.fromisoformat(v)
    except ValueError:
        return None
    return t.astimezone(UTC) if t.tzinfo else t.replace(tzinfo=UTC)


def _go_time_text(t: datetime) -> str:
    # `time.Time.String()` of a UTC time: fractional seconds only when present.
    s = t.strftime("%Y-%m-%d %H:%M:%S")
    if t.microsecond:
        s += f".{t.microsecond:06d}".rstrip("0")
    return s + " +0000 UTC"


def _time_value(v: Any, pointer: bool) -> Any:
    """How upstream renders a metav1.Time bad value: `%v` of the time, `"null"` for a nil
    pointer, the zero time for an unset non-pointer."""
    if v is None or v == "":
        return None if pointer else GoText(_GO_ZERO_TIME)
    t = _parse_time(v)
    return GoText(_go_time_text(t)) if t is not None else v


def _time_equal(a: Any, b: Any) -> bool:
    ta, tb = _parse_time(a), _parse_time(b)
    if ta is not None and tb is not None:
        return ta == tb
    return (a or None) == (b or None)


def _is_empty(v: Any) -> bool:
    return v is None or v == [] or v == {}


def semantic_equal(a: Any, b: Any) -> bool:
    """`apiequality.Semantic.DeepEqual` over JSON values: a missing (null) list or map equals
    an empty one."""
    if _is_empty(a) or _is_empty(b):
        return _is_empty(a) and _is_empty(b)
    if isinstance(a, dict) and isinstance(b, dict):
        keys = a.keys() | b.keys()
        return all(semantic_equal(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(semantic_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b and type(a) is type(b)) or (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
        and a == b
    )


def validate_immutable_field(new: Any, old: Any, path: Path) -> ErrorList:
    if semantic_equal(new, old):
        return []
    return [field.invalid(path, new, FIELD_IMMUTABLE_ERROR_MSG)]


def validate_object_meta_update(
    new_meta: Mapping[str, Any],
    old_meta: Mapping[str, Any],
    path: Path = _METADATA,
) -> ErrorList:
    """Upstream `ValidateObjectMetaAccessorUpdate`. The caller (the Store's BeforeUpdate) has
    already copied resourceVersion for unconditional updates, and uid, creationTimestamp and
    the deletion fields from the old object."""
    errs: ErrorList = []
    if old_meta.get("deletionTimestamp"):
        errs.extend(
            validate_no_new_finalizers(
                new_meta.get("finalizers"), old_meta.get("finalizers"), path.child("finalizers")
            )
        )
    if not new_meta.get("resourceVersion"):
        errs.append(
            field.invalid(
                path.child("resourceVersion"),
                new_meta.get("resourceVersion") or "",
                "must be specified for an update",
            )
        )
    new_gen, old_gen = _int(new_meta.get("generation")), _int(old_meta.get("generation"))
    if new_gen < old_gen:
        errs.append(field.invalid(path.child("generation"), new_gen, "must not be decremented"))
    for key in ("name", "namespace", "uid"):
        errs.extend(
            validate_immutable_field(
                new_meta.get(key) or "", old_meta.get(key) or "", path.child(key)
            )
        )
    for key, pointer in (("creationTimestamp", False), ("deletionTimestamp", True)):
        new_t, old_t = new_meta.get(key), old_meta.get(key)
        if not _time_equal(new_t, old_t):
            errs.append(
                field.invalid(
                    path.child(key), _time_value(new_t, pointer), FIELD_IMMUTABLE_ERROR_MSG
                )
            )
    errs.extend(
        validate_immutable_field(
            new_meta.get("deletionGracePeriodSeconds"),
            old_meta.get("deletionGracePeriodSeconds"),
            path.child("deletionGracePeriodSeconds"),
        )
    )
    errs.extend(validate_labels(new_meta.get("labels"), path.child("labels")))
    errs.extend(validate_annotations(new_meta.get("annotations"), path.child("annotations")))
    errs.extend(
        validate_owner_references(new_meta.get("ownerReferences"), path.child("ownerReferences"))
    )
    errs.extend(validate_managed_fields(new_meta.get("managedFields"), path.child("managedFields")))
    return errs


# --------------------------------------------------------------------------------------
# Request options (`pkg/apis/meta/v1/validation`, `pkg/apis/meta/internalversion/validation`)

DRY_RUN_ALL = "All"


def validate_dry_run(dry_run: Sequence[str], path: Path = _DRY_RUN) -> ErrorList:
    """Only `All` is a valid dryRun value."""
    if all(v == DRY_RUN_ALL for v in dry_run):
        return []
    return [field.not_supported(path, list(dry_run), [DRY_RUN_ALL])]


def validate_field_validation(value: str, path: Path = _FIELD_VALIDATION) -> ErrorList:
    allowed = ["", "Ignore", "Strict", "Warn"]
    if value in allowed:
        return []
    return [field.not_supported(path, value, allowed)]


RESOURCE_VERSION_MATCH_EXACT = "Exact"
RESOURCE_VERSION_MATCH_NOT_OLDER_THAN = "NotOlderThan"


def validate_list_options(
    resource_version: str,
    resource_version_match: str,
    continue_token: str,
    watch: bool,
    send_initial_events: bool | None,
    allow_watch_bookmarks: bool = False,
    *,
    watch_list_enabled: bool = True,
) -> ErrorList:
    """Upstream `ValidateListOptions`. The caller reports the errors as a 422 Invalid on kind
    `ListOptions`, group `meta.k8s.io`. `allow_watch_bookmarks` is accepted but, as upstream,
    not checked (requesting initial events without bookmarks stays legal).
    `watch_list_enabled` is the WatchList feature gate."""
    del allow_watch_bookmarks
    rvm = Path("resourceVersionMatch")
    errs: ErrorList = []
    if watch:
        if send_initial_events is not None:
            if resource_version_match != RESOURCE_VERSION_MATCH_NOT_OLDER_THAN:
                errs.append(
                    field.forbidden(
                        rvm,
                        "sendInitialEvents requires setting resourceVersionMatch to "
                        + RESOURCE_VERSION_MATCH_NOT_OLDER_THAN,
                    )
                )
            if not watch_list_enabled:
                errs.append(
                    field.forbidden(
                        Path("sendInitialEvents"),
                        "sendInitialEvents is forbidden for watch unless the WatchList feature "
                        "gate is enabled",
                    )
                )
        if resource_version_match:
            if send_initial_events is None:
                errs.append(
                    field.forbidden(
                        rvm,
                        "resourceVersionMatch is forbidden for watch unless sendInitialEvents "
                        "is provided",
                    )
                )
            if resource_version_match != RESOURCE_VERSION_MATCH_NOT_OLDER_THAN:
                errs.append(
                    field.not_supported(
                        rvm, resource_version_match, [RESOURCE_VERSION_MATCH_NOT_OLDER_THAN]
                    )
                )
            if continue_token:
                errs.append(
                    field.forbidden(
                        rvm, "resourceVersionMatch is forbidden when continue is provided"
                    )
                )
        return errs
    if resource_version_match:
        if not resource_version:
            errs.append(
                field.forbidden(
                    rvm, "resourceVersionMatch is forbidden unless resourceVersion is provided"
                )
            )
        if continue_token:
            errs.append(
                field.forbidden(rvm, "resourceVersionMatch is forbidden when continue is provided")
            )
        if resource_version_match not in (
            RESOURCE_VERSION_MATCH_EXACT,
            RESOURCE_VERSION_MATCH_NOT_OLDER_THAN,
        ):
            errs.append(
                field.not_supported(
                    rvm,
                    resource_version_match,
                    [RESOURCE_VERSION_MATCH_EXACT, RESOURCE_VERSION_MATCH_NOT_OLDER_THAN, ""],
                )
            )
        if resource_version_match == RESOURCE_VERSION_MATCH_EXACT and resource_version == "0":
            errs.append(
                field.forbidden(
                    rvm, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'
                )
            )
    if send_initial_events is not None:
        errs.append(
            field.forbidden(Path("sendInitialEvents"), "sendInitialEvents is forbidden for list")
        )
    return errs
