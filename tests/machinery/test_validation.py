"""Generic validation: cases ported from upstream `pkg/util/validation/validation_test.go`,
`ip_test.go`, `pkg/api/validate/content/kube_test.go`, `pkg/api/validation/objectmeta_test.go`,
`generic_test.go`, `path/name_test.go`, `pkg/apis/meta/v1/validation/validation_test.go` and
`pkg/apis/meta/internalversion/validation/validation_test.go`. Where upstream only checks that
an error occurs, the expected text is the one upstream's code builds."""

from __future__ import annotations

from typing import Any

import pytest

from kapi.machinery import field, validation
from kapi.machinery.field import Path
from kapi.machinery.validation import (
    is_c_identifier,
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_env_var_name,
    is_http_header_name,
    is_qualified_name,
    is_valid_ip,
    is_valid_label_value,
    is_valid_percent,
    is_valid_port_name,
    is_valid_port_num,
    is_wildcard_dns1123_subdomain,
    name_is_dns1035_label,
    name_is_dns_label,
    name_is_dns_subdomain,
    validate_annotations,
    validate_dry_run,
    validate_field_manager,
    validate_finalizers,
    validate_immutable_field,
    validate_label_selector,
    validate_labels,
    validate_list_options,
    validate_managed_fields,
    validate_object_meta,
    validate_object_meta_update,
    validate_owner_references,
    validate_path_segment_name,
)

DNS1123_LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1035_LABEL_ERR = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
NAME_PART_ERR = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


def strs(errs: list[field.FieldError]) -> list[str]:
    return [str(e) for e in errs]


# --------------------------------------------------------------------------------------
# Format checks


# fmt: off
_IS_DNS1123_LABEL_GOOD = [
    "a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "a" * 63,
]
# fmt: on


@pytest.mark.parametrize("value", _IS_DNS1123_LABEL_GOOD)
def test_is_dns1123_label_good(value: str) -> None:
    """TestIsDNS1123Label (good values)."""
    assert is_dns1123_label(value) == []


# fmt: off
_IS_DNS1123_LABEL_BAD = [
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1",
    "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
    " ", "a ", " a", "a b", "1 ", " 1", "1 2", "a" * 64, "a\n",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_DNS1123_LABEL_BAD)
def test_is_dns1123_label_bad(value: str) -> None:
    """TestIsDNS1123Label (bad values); a trailing newline is rejected too (Go's `$`)."""
    assert is_dns1123_label(value) != []


@pytest.mark.parametrize(
    ("value", "msgs"),
    [
        ("Foo", [DNS1123_LABEL_ERR]),
        ("a.b", ["must not contain dots"]),
        ("a" * 64, ["must be no more than 63 characters"]),
        ("a" * 64 + "-", ["must be no more than 63 characters", DNS1123_LABEL_ERR]),
    ],
)
def test_is_dns1123_label_messages(value: str, msgs: list[str]) -> None:
    """IsDNS1123Label's messages, including the dotted-subdomain hint."""
    assert is_dns1123_label(value) == msgs


# fmt: off
_IS_DNS1123_SUBDOMAIN_GOOD = [
    "a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2",
    "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a", "a.1", "ab.1", "abc.1", "a1.1",
    "a-1.1", "a--1--2--b.1", "0.a", "01.a", "012.a", "1a.a", "1-a.a", "1--a--b--2", "0.1",
    "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1", "a.b.c.d.e", "aa.bb.cc.dd.ee",
    "1.2.3.4.5", "11.22.33.44.55", "a" * 253,
]
# fmt: on


@pytest.mark.parametrize("value", _IS_DNS1123_SUBDOMAIN_GOOD)
def test_is_dns1123_subdomain_good(value: str) -> None:
    """TestIsDNS1123Subdomain (good values)."""
    assert is_dns1123_subdomain(value) == []


# fmt: off
_IS_DNS1123_SUBDOMAIN_BAD = [
    "", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a",
    "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a..b", "1.", ".1", "1..2", " ", "a ", " a",
    "a b", "1 ", " 1", "1 2", "A.a", "aB.a", "ab.A", "A1.a", "a1.A", "A.1", "aB.1", "A1.1",
    "1A.1", "0.A", "01.A", "012.A", "1A.a", "1a.A", "A.B.C.D.E", "AA.BB.CC.DD.EE",
    "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b", "a_b", "a;b", "a:b", "a%b", "a?b", "a$b",
    "a" * 254,
]
# fmt: on


@pytest.mark.parametrize("value", _IS_DNS1123_SUBDOMAIN_BAD)
def test_is_dns1123_subdomain_bad(value: str) -> None:
    """TestIsDNS1123Subdomain (bad values)."""
    assert is_dns1123_subdomain(value) != []


def test_is_dns1123_subdomain_messages() -> None:
    assert is_dns1123_subdomain("Foo") == [DNS1123_SUBDOMAIN_ERR]
    assert is_dns1123_subdomain("a" * 254) == ["must be no more than 253 characters"]


@pytest.mark.parametrize("value", ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "a" * 63])
def test_is_dns1035_label_good(value: str) -> None:
    """TestIsDNS1035Label (good values)."""
    assert is_dns1035_label(value) == []


# fmt: off
_IS_DNS1035_LABEL_BAD = [
    "0", "01", "012", "1a", "1-a", "1--a--b--2", "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
    "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a",
    "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "a" * 64,
]
# fmt: on


@pytest.mark.parametrize("value", _IS_DNS1035_LABEL_BAD)
def test_is_dns1035_label_bad(value: str) -> None:
    """TestIsDNS1035Label (bad values)."""
    assert is_dns1035_label(value) != []


def test_is_dns1035_label_message() -> None:
    assert is_dns1035_label("1abc") == [DNS1035_LABEL_ERR]


# fmt: off
_IS_C_IDENTIFIER_GOOD = [
    "a", "ab", "abc", "a1", "_a", "a_", "a_b", "a_1", "a__1__2__b", "__abc_123", "A", "AB",
    "AbC", "A1", "_A", "A_", "A_B", "A_1", "A__1__2__B", "__123_ABC",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_C_IDENTIFIER_GOOD)
def test_is_c_identifier_good(value: str) -> None:
    """TestIsCIdentifier (good values)."""
    assert is_c_identifier(value) == []


# fmt: off
_IS_C_IDENTIFIER_BAD = [
    "", "1", "123", "1a", "-", "a-", "-a", "1-", "-1", "1_", "1_2", ".", "a.", ".a", "a.b",
    "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "#a#",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_C_IDENTIFIER_BAD)
def test_is_c_identifier_bad(value: str) -> None:
    """TestIsCIdentifier (bad values)."""
    assert is_c_identifier(value) == [
        "a valid C identifier must start with alphabetic character or '_', followed by a "
        "string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or "
        "'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')"
    ]


@pytest.mark.parametrize("port", [1, 2, 1000, 16384, 32768, 65535])
def test_is_valid_port_num_good(port: int) -> None:
    """TestIsValidPortNum (good values)."""
    assert is_valid_port_num(port) == []


@pytest.mark.parametrize("port", [0, -1, 65536, 100000])
def test_is_valid_port_num_bad(port: int) -> None:
    """TestIsValidPortNum (bad values)."""
    assert is_valid_port_num(port) == ["must be between 1 and 65535, inclusive"]


@pytest.mark.parametrize(
    "value", ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"]
)
def test_is_valid_port_name_good(value: str) -> None:
    """TestIsValidPortName (good values)."""
    assert is_valid_port_name(value) == []


# fmt: off
_IS_VALID_PORT_NAME_BAD = [
    "longerthan15characters", "", "a" * 16, "12345", "1-2-3-4", "-begin", "end-",
    "two--hyphens", "whois++",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_VALID_PORT_NAME_BAD)
def test_is_valid_port_name_bad(value: str) -> None:
    """TestIsValidPortName (bad values)."""
    assert is_valid_port_name(value) != []


# fmt: off
_IS_QUALIFIED_NAME_GOOD = [
    "simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
    "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple",
    "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678",
    "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo",
    "a" * 63, "a" * 253 + "/" + "b" * 63,
]
# fmt: on


@pytest.mark.parametrize("value", _IS_QUALIFIED_NAME_GOOD)
def test_is_qualified_name_good(value: str) -> None:
    """TestIsQualifiedName / TestIsLabelKey (success cases)."""
    assert is_qualified_name(value) == []


# fmt: off
_IS_QUALIFIED_NAME_BAD = [
    "nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
    "Example.com/abc", "example_com/abc", "example.com/", "/simple", "a" * 64,
    "a" * 254 + "/abc",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_QUALIFIED_NAME_BAD)
def test_is_qualified_name_bad(value: str) -> None:
    """TestIsQualifiedName / TestIsLabelKey (error cases)."""
    assert is_qualified_name(value) != []


@pytest.mark.parametrize(
    ("value", "msgs"),
    [
        ("-x", [NAME_PART_ERR]),
        ("a" * 64, ["name part must be no more than 63 bytes"]),
        ("example.com/", ["name part must be non-empty", NAME_PART_ERR]),
        ("/simple", ["prefix part must be non-empty"]),
        ("Example.com/abc", ["prefix part " + DNS1123_SUBDOMAIN_ERR]),
        ("a" * 254 + "/abc", ["prefix part must be no more than 253 bytes"]),
        (
            "only/one/slash",
            [
                "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and "
                "must start and end with an alphanumeric character (e.g. 'MyName',  or "
                "'my.name',  or '123-abc', regex used for validation is "
                "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain "
                "prefix and '/' (e.g. 'example.com/MyName')"
            ],
        ),
    ],
)
def test_is_qualified_name_messages(value: str, msgs: list[str]) -> None:
    """content.IsLabelKey's messages (lengths in bytes)."""
    assert is_qualified_name(value) == msgs


@pytest.mark.parametrize(
    "value",
    ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "a" * 63, ""],
)
def test_is_valid_label_value_good(value: str) -> None:
    """TestIsValidLabelValue (success cases)."""
    assert is_valid_label_value(value) == []


# fmt: off
_IS_VALID_LABEL_VALUE_BAD = [
    "nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad",
    "-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.", "a" * 64,
]
# fmt: on


@pytest.mark.parametrize("value", _IS_VALID_LABEL_VALUE_BAD)
def test_is_valid_label_value_bad(value: str) -> None:
    """TestIsValidLabelValue (error cases)."""
    assert is_valid_label_value(value) != []


def test_is_valid_label_value_messages() -> None:
    assert is_valid_label_value("-a") == [LABEL_VALUE_ERR]
    assert is_valid_label_value("a" * 64) == ["must be no more than 63 bytes"]
    # Lengths count UTF-8 bytes, as Go's len() does.
    assert is_valid_label_value("ā" * 32)[0] == "must be no more than 63 bytes"


# fmt: off
_IS_HTTP_HEADER_NAME_GOOD = [
    "Accept-Encoding", "Host", "If-Modified-Since", "X-Forwarded-For", "a", "ab", "abc", "a1",
    "-a", "a-", "a-b", "a-1", "a--1--2--b", "--abc-123", "A", "AB", "AbC", "A1", "-A", "A-",
    "A-B", "A-1", "A--1--2--B", "--123-ABC",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_HTTP_HEADER_NAME_GOOD)
def test_is_http_header_name_good(value: str) -> None:
    """TestIsHTTPHeaderName (good values)."""
    assert is_http_header_name(value) == []


# fmt: off
_IS_HTTP_HEADER_NAME_BAD = [
    "Host:", "X-Forwarded-For:", "X-@Home", "", "_", "a_", "_a", "1_", "1_2", ".", "a.", ".a",
    "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", "#a#", "^", ",", ";",
    "=", "<", "?", "@", "{",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_HTTP_HEADER_NAME_BAD)
def test_is_http_header_name_bad(value: str) -> None:
    """TestIsHTTPHeaderName (bad values)."""
    assert is_http_header_name(value) != []


@pytest.mark.parametrize("value", ["0%", "00000%", "1%", "01%", "99%", "100%", "101%"])
def test_is_valid_percent_good(value: str) -> None:
    """TestIsValidPercent (good values)."""
    assert is_valid_percent(value) == []


@pytest.mark.parametrize(
    "value", ["", "0", "100", "0.0%", "99.9%", "hundred", " 1%", "1% ", "-0%", "-1%", "+1%"]
)
def test_is_valid_percent_bad(value: str) -> None:
    """TestIsValidPercent (bad values)."""
    assert is_valid_percent(value) != []


# fmt: off
_IS_CONFIG_MAP_KEY_GOOD = [
    "a", "good", "good-good", "still.good", "this.is.also.good", ".so.is.this", "THIS_IS_GOOD",
    "so_is_this_17",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_CONFIG_MAP_KEY_GOOD)
def test_is_config_map_key_good(value: str) -> None:
    """TestIsConfigMapKey (success cases)."""
    assert is_config_map_key(value) == []


@pytest.mark.parametrize(
    ("value", "msgs"),
    [
        (".", ["must not be '.'"]),
        ("..", ["must not be '..'"]),
        ("..bad", ["must not start with '..'"]),
        (
            "b*d",
            [
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                "'[-._a-zA-Z0-9]+')"
            ],
        ),
        ("a" * 254, ["must be no more than 253 characters"]),
    ],
)
def test_is_config_map_key_bad(value: str, msgs: list[str]) -> None:
    """TestIsConfigMapKey (failure cases), with their messages."""
    assert is_config_map_key(value) == msgs
    assert is_config_map_key("bad!&bad") != []


@pytest.mark.parametrize("value", ["abc", "ABC", "AbC123", "abc_123", "_abc", "a.b", "a-b", "-a"])
def test_is_env_var_name_good(value: str) -> None:
    """IsEnvVarName: `[-._a-zA-Z][-._a-zA-Z0-9]*`."""
    assert is_env_var_name(value) == []


def test_is_env_var_name_bad() -> None:
    msg = (
        "a valid environment variable name must consist of alphabetic characters, digits, '_', "
        "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  "
        "or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
    )
    assert is_env_var_name("1abc") == [msg]
    assert is_env_var_name("a b") == [msg]
    assert is_env_var_name("") == [msg]
    assert is_env_var_name("..") == ["must not be '..'"]
    assert is_env_var_name("..a") == ["must not start with '..'"]


@pytest.mark.parametrize("value", ["*.example.com", "*.bar.com", "*.foo.bar.com"])
def test_is_wildcard_dns1123_subdomain_good(value: str) -> None:
    """TestIsWildcardDNS1123Subdomain (good values)."""
    assert is_wildcard_dns1123_subdomain(value) == []


@pytest.mark.parametrize("value", ["*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com", "*"])
def test_is_wildcard_dns1123_subdomain_bad(value: str) -> None:
    """TestIsWildcardDNS1123Subdomain (bad values)."""
    assert is_wildcard_dns1123_subdomain(value) != []


# fmt: off
_IS_VALID_IP_GOOD = [
    "1.2.3.4", "0.0.0.0", "255.255.255.255", "1.2.3.04", "010.001.002.003", "::", "::1",
    "2001:db8::ffff", "2001:DB8:0:0:0:0:0:1", "::ffff:1.2.3.4", "::ffff:01.2.3.4",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_VALID_IP_GOOD)
def test_is_valid_ip_good(value: str) -> None:
    """TestIsValidIP (valid, including the leading zeros ParseIPSloppy allows)."""
    assert is_valid_ip(value) == []


# fmt: off
_IS_VALID_IP_BAD = [
    "", " 1.2.3.4", "1.2.3.4 ", "a", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.0400",
    "[::1]", "fe80::1%eth0", "2001:db8::/64", "1.2.3.4/32", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3",
]
# fmt: on


@pytest.mark.parametrize("value", _IS_VALID_IP_BAD)
def test_is_valid_ip_bad(value: str) -> None:
    """TestIsValidIP (invalid)."""
    assert is_valid_ip(value) == ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]


# --------------------------------------------------------------------------------------
# Name functions


@pytest.mark.parametrize(
    ("before", "after"),
    [("", ""), ("-", "-"), ("-foo", "-foo"), ("-foo-", "-foa"), ("b-", "a"), ("ab", "ab")],
)
def test_mask_trailing_dash(before: str, after: str) -> None:
    """TestMaskTrailingDash (upstream replaces the last two characters)."""
    assert validation._mask_trailing_dash(before) == after


@pytest.mark.parametrize(
    ("fn", "name", "prefix", "ok"),
    [
        (name_is_dns_subdomain, "foo-", True, True),
        (name_is_dns_subdomain, "foo-", False, False),
        (name_is_dns_subdomain, "foo.bar", False, True),
        (name_is_dns_label, "foo-", True, True),
        (name_is_dns_label, "foo.bar", False, False),
        (name_is_dns1035_label, "foo-", True, True),
        (name_is_dns1035_label, "1foo", False, False),
    ],
)
def test_name_functions(fn: validation.NameFunc, name: str, prefix: bool, ok: bool) -> None:
    """TestValidateObjectMetaTrimsTrailingSlash and friends: a generateName prefix may end in
    a dash."""
    assert (fn(name, prefix) == []) is ok


@pytest.mark.parametrize(
    ("name", "prefix", "msgs"),
    [
        ("", False, []),
        ("", True, []),
        ("foo.bar.baz", False, []),
        ("foo.bar.baz", True, []),
        ("sha256:ABCDEF012345@ABCDEF012345", False, []),  # mixed case, non-DNS characters
        ("Iñtërnâtiônàlizætiøn", False, []),  # non-ASCII
        (".", False, ["may not be '.'"]),
        (".test", False, []),
        (".", True, []),
        ("..", False, ["may not be '..'"]),
        ("..test", False, []),
        ("..", True, []),
        ("foo/bar", False, ["may not contain '/'"]),
        ("foo/bar", True, ["may not contain '/'"]),
        ("foo%bar", False, ["may not contain '%'"]),
        ("foo%bar", True, ["may not contain '%'"]),
        ("foo//bar%", False, ["may not contain '/'", "may not contain '%'"]),
        ("foo//bar%", True, ["may not contain '/'", "may not contain '%'"]),
    ],
)
def test_validate_path_segment_name(name: str, prefix: bool, msgs: list[str]) -> None:
    """TestValidatePathSegmentName / TestValidateWithMultiErrors."""
    assert validate_path_segment_name(name, prefix) == msgs


# --------------------------------------------------------------------------------------
# Labels, annotations, selectors

LABELS = Path("metadata", "labels")


def test_validate_labels() -> None:
    """ValidateLabels: key errors carry the key, value errors the value, both at the map."""
    assert validate_labels({"app": "web", "example.com/x": ""}, LABELS) == []
    assert strs(validate_labels({"-k": "v", "k": "-v"}, LABELS)) == [
        f'metadata.labels: Invalid value: "-k": {NAME_PART_ERR}',
        f'metadata.labels: Invalid value: "-v": {LABEL_VALUE_ERR}',
    ]


@pytest.mark.parametrize(
    "annotations",
    [
        {"simple": "bar"},
        {"now-with-dashes": "bar"},
        {"1-starts-with-num": "bar"},
        {"1234": "bar"},
        {"simple/simple": "bar"},
        {"now-with-dashes/simple": "bar"},
        {"now-with-dashes/now-with-dashes": "bar"},
        {"now.with.dots/simple": "bar"},
        {"now-with.dashes-and.dots/simple": "bar"},
        {"1-num.2-num/3-num": "bar"},
        {"1234/5678": "bar"},
        {"1.2.3.4/5678": "bar"},
        {"UpperCase123": "bar"},
        {"Example.COM/Key": "bar"},  # compared in lower case
        {"a": "b" * (validation.TOTAL_ANNOTATION_SIZE_LIMIT_B - 1)},
        {
            "a": "b" * (validation.TOTAL_ANNOTATION_SIZE_LIMIT_B // 2 - 1),
            "c": "d" * (validation.TOTAL_ANNOTATION_SIZE_LIMIT_B // 2 - 1),
        },
    ],
)
def test_validate_annotations_success(annotations: dict[str, str]) -> None:
    """TestValidateAnnotations (success cases)."""
    assert validate_annotations(annotations, Path("field")) == []


@pytest.mark.parametrize(
    ("annotations", "expect"),
    [
        ({"nospecialchars^=@": "bar"}, "name part must consist of"),
        ({"cantendwithadash-": "bar"}, "name part must consist of"),
        ({"only/one/slash": "bar"}, "a valid label key must consist of"),
        ({"a" * 254: "bar"}, "must be no more than"),
    ],
)
def test_validate_annotations_name_errors(annotations: dict[str, str], expect: str) -> None:
    """TestValidateAnnotations (name error cases): one error each."""
    errs = validate_annotations(annotations, Path("field"))
    assert len(errs) == 1
    assert expect in errs[0].detail


@pytest.mark.parametrize(
    "annotations",
    [
        {"a": "b" * validation.TOTAL_ANNOTATION_SIZE_LIMIT_B},
        {
            "a": "b" * (validation.TOTAL_ANNOTATION_SIZE_LIMIT_B // 2),
            "c": "d" * (validation.TOTAL_ANNOTATION_SIZE_LIMIT_B // 2),
        },
    ],
)
def test_validate_annotations_total_size(annotations: dict[str, str]) -> None:
    """TestValidateAnnotations (total size error cases)."""
    errs = validate_annotations(annotations, Path("metadata", "annotations"))
    assert strs(errs) == ["metadata.annotations: Too long: may not be more than 262144 bytes"]


def test_validate_label_selector() -> None:
    """ValidateLabelSelector / ValidateLabelSelectorRequirement."""
    p = Path("spec", "selector")
    assert validate_label_selector(None, p) == []
    assert validate_label_selector({"matchLabels": {"app": "web"}}, p) == []
    sel = {
        "matchExpressions": [
            {"key": "a", "operator": "In"},
            {"key": "b", "operator": "Exists", "values": ["x"]},
            {"key": "c", "operator": "Bogus"},
            {"key": "d", "operator": "In", "values": ["-bad"]},
        ]
    }
    assert strs(validate_label_selector(sel, p)) == [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when "
        "`operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when "
        "`operator` is 'Exists' or 'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Bogus": not a valid '
        "selector operator",
        f'spec.selector.matchExpressions[3].values[0]: Invalid value: "-bad": {LABEL_VALUE_ERR}',
    ]
    assert len(validate_label_selector(sel, p, allow_invalid_label_value=True)) == 3


# --------------------------------------------------------------------------------------
# ObjectMeta on create

META = Path("metadata")


def _accept(name: str, prefix: bool) -> list[str]:
    return []


def test_object_meta_requires_name_or_generate_name() -> None:
    """ValidateObjectMeta: `name or generateName is required`."""
    errs = validate_object_meta({}, False, name_is_dns_subdomain)
    assert strs(errs) == ["metadata.name: Required value: name or generateName is required"]


def test_object_meta_invalid_name_message() -> None:
    """The wire text of the example in the behaviour reference (§6)."""
    errs = validate_object_meta({"name": "Foo"}, False, name_is_dns_subdomain)
    assert strs(errs) == [f'metadata.name: Invalid value: "Foo": {DNS1123_SUBDOMAIN_ERR}']
    assert errs[0].type is field.ErrorType.INVALID


def test_object_meta_custom_name() -> None:
    """TestValidateObjectMetaCustomName: the name function sees generateName with prefix=True."""

    def fn(s: str, prefix: bool) -> list[str]:
        return [] if s == "test" else ["name-gen"]

    errs = validate_object_meta({"name": "test", "generateName": "foo"}, False, fn, Path("field"))
    assert strs(errs) == ['field.generateName: Invalid value: "foo": name-gen']


def test_object_meta_trims_trailing_dash() -> None:
    """TestValidateObjectMetaTrimsTrailingSlash."""
    meta = {"name": "test", "generateName": "foo-"}
    assert validate_object_meta(meta, False, name_is_dns_subdomain, Path("field")) == []


def test_object_meta_namespaces() -> None:
    """TestValidateObjectMetaNamespaces: namespaces are DNS labels."""
    errs = validate_object_meta({"name": "test", "namespace": "foo.bar"}, True, _accept)
    assert strs(errs) == ['metadata.namespace: Invalid value: "foo.bar": must not contain dots']
    long = "A" * 64
    errs = validate_object_meta({"name": "test", "namespace": long}, True, _accept)
    assert strs(errs) == [
        f'metadata.namespace: Invalid value: "{long}": must be no more than 63 characters',
        f'metadata.namespace: Invalid value: "{long}": {DNS1123_LABEL_ERR}',
    ]


def test_object_meta_namespace_required_and_forbidden() -> None:
    assert strs(validate_object_meta({"name": "a"}, True, _accept)) == [
        "metadata.namespace: Required value"
    ]
    assert strs(validate_object_meta({"name": "a", "namespace": "x"}, False, _accept)) == [
        "metadata.namespace: Forbidden: not allowed on this type"
    ]


def test_object_meta_negative_generation() -> None:
    errs = validate_object_meta({"name": "a", "generation": -1}, False, _accept)
    assert strs(errs) == [
        "metadata.generation: Invalid value: -1: must be greater than or equal to 0"
    ]


def _ref(uid: str, controller: bool | None = None, **over: Any) -> dict[str, Any]:
    ref: dict[str, Any] = {
        "apiVersion": "customresourceVersion",
        "kind": "customresourceKind",
        "name": "name",
        "uid": uid,
    }
    if controller is not None:
        ref["controller"] = controller
    ref.update(over)
    return ref


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        ([_ref("1")], None),
        (
            [_ref("1", apiVersion="v1", kind="Event")],
            "/v1, Kind=Event is disallowed from being an owner",
        ),
        ([_ref("1", False), _ref("2", True), _ref("3", False), _ref("4")], None),
        (
            [_ref("1", False), _ref("2", True), _ref("3", True), _ref("4")],
            'Only one reference can have Controller set to true. Found "true" in references for '
            "customresourceKind/name and customresourceKind/name",
        ),
    ],
)
def test_object_meta_owner_references(refs: list[dict[str, Any]], expected: str | None) -> None:
    """TestValidateObjectMetaOwnerReferences."""
    meta = {"name": "test", "namespace": "test", "ownerReferences": refs}
    errs = validate_object_meta(meta, True, _accept, Path("field"))
    if expected is None:
        assert errs == []
    else:
        assert len(errs) == 1
        assert errs[0].detail == expected
        assert errs[0].field == "field.ownerReferences"


def test_owner_reference_required_fields() -> None:
    errs = validate_owner_references([{"apiVersion": "a/b/c"}], Path("metadata", "ownerReferences"))
    assert strs(errs) == [
        'metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]


def test_finalizers() -> None:
    """TestValidateFinalizersPreventConflictingFinalizers and ValidateFinalizerName."""
    p = Path("metadata", "finalizers")
    assert validate_finalizers(["kubernetes", "example.com/f", "orphan"], p) == []
    assert strs(validate_finalizers(["orphan", "foregroundDeletion"], p)) == [
        'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: '
        "finalizer orphan and foregroundDeletion cannot be both set"
    ]
    assert strs(validate_finalizers(["-x"], p)) == [
        f'metadata.finalizers: Invalid value: "-x": {NAME_PART_ERR}'
    ]


def test_managed_fields() -> None:
    """ValidateManagedFields: operation, fieldsType, manager and subresource."""
    p = Path("metadata", "managedFields")
    good = [{"manager": "kubectl", "operation": "Apply", "fieldsType": "FieldsV1"}]
    assert validate_managed_fields(good, p) == []
    bad = [{"manager": "m\x07", "operation": "Patch", "fieldsType": "FieldsV2"}]
    assert strs(validate_managed_fields(bad, p)) == [
        'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
        'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
        'metadata.managedFields[0].manager: Invalid value: "m\\a": invalid character U+0007 '
        "(at position 1)",
    ]
    long_sub = [{"operation": "Update", "subresource": "s" * 257}]
    assert strs(validate_managed_fields(long_sub, p)) == [
        "metadata.managedFields[0].subresource: Too long: may not be more than 256 bytes"
    ]


def test_object_meta_runs_all_sections() -> None:
    meta = {
        "name": "ok",
        "labels": {"-a": "b"},
        "annotations": {"-c": "d"},
        "finalizers": ["orphan", "foregroundDeletion"],
        "managedFields": [{"operation": "X"}],
    }
    fields = [e.field for e in validate_object_meta(meta, False, _accept)]
    assert fields == [
        "metadata.labels",
        "metadata.annotations",
        "metadata.finalizers",
        "metadata.managedFields[0].operation",
    ]


# --------------------------------------------------------------------------------------
# ObjectMeta on update


def _m(**kw: Any) -> dict[str, Any]:
    return {"name": "test", "resourceVersion": "1", **kw}


@pytest.mark.parametrize(
    ("new", "old"),
    [
        (_m(), _m(creationTimestamp="1970-01-01T00:00:10Z")),
        (_m(creationTimestamp="1970-01-01T00:00:10Z"), _m()),
        (
            _m(creationTimestamp="1970-01-01T00:00:10Z"),
            _m(creationTimestamp="1970-01-01T00:00:11Z"),
        ),
    ],
)
def test_update_creation_timestamp_is_immutable(new: dict[str, Any], old: dict[str, Any]) -> None:
    """TestValidateObjectMetaUpdateIgnoresCreationTimestamp: one error per case."""
    assert len(validate_object_meta_update(new, old, Path("field"))) == 1


def test_update_creation_timestamp_rendering() -> None:
    """A metav1.Time bad value prints as Go's time.String()."""
    errs = validate_object_meta_update(
        _m(creationTimestamp="1970-01-01T00:00:10Z"), _m(creationTimestamp="1970-01-01T00:00:11Z")
    )
    assert strs(errs) == [
        "metadata.creationTimestamp: Invalid value: 1970-01-01 00:00:10 +0000 UTC: "
        "field is immutable"
    ]
    # The same instant in another offset is the same time.
    same = validate_object_meta_update(
        _m(creationTimestamp="1970-01-01T01:00:10+01:00"),
        _m(creationTimestamp="1970-01-01T00:00:10Z"),
    )
    assert same == []


@pytest.mark.parametrize(
    ("old_finalizers", "new_finalizers", "deleting", "expected"),
    [
        (["x/a"], ["x/a", "y/b"], True, 'found new finalizers []string{"y/b"}'),
        (["x/a"], ["x/b"], True, 'found new finalizers []string{"x/b"}'),
        (["x/a", "y/b"], ["x/a"], True, None),
        (["x/a"], ["x/a", "y/b"], False, None),
    ],
)
def test_finalizers_update(
    old_finalizers: list[str], new_finalizers: list[str], deleting: bool, expected: str | None
) -> None:
    """TestValidateFinalizersUpdate."""
    ts = {"deletionTimestamp": "2024-01-01T00:00:00Z"} if deleting else {}
    errs = validate_object_meta_update(
        _m(finalizers=new_finalizers, **ts), _m(finalizers=old_finalizers, **ts)
    )
    if expected is None:
        assert errs == []
    else:
        assert strs(errs) == [
            "metadata.finalizers: Forbidden: no new finalizers can be added if the object is "
            f"being deleted, {expected}"
        ]


_NOW = "1970-01-01T00:16:40Z"
_LATER = "1970-01-01T00:33:20Z"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (_m(), _m(), []),
        (
            _m(deletionTimestamp=_NOW, deletionGracePeriodSeconds=30),
            _m(deletionTimestamp=_NOW, deletionGracePeriodSeconds=30),
            [],
        ),
        (
            _m(),
            _m(deletionTimestamp=_NOW),
            [
                "field.deletionTimestamp: Invalid value: 1970-01-01 00:16:40 +0000 UTC: "
                "field is immutable"
            ],
        ),
        (
            _m(deletionTimestamp=_NOW),
            _m(),
            ['field.deletionTimestamp: Invalid value: "null": field is immutable'],
        ),
        (
            _m(deletionTimestamp=_NOW),
            _m(deletionTimestamp=_LATER),
            [
                "field.deletionTimestamp: Invalid value: 1970-01-01 00:33:20 +0000 UTC: "
                "field is immutable"
            ],
        ),
        (
            _m(),
            _m(deletionGracePeriodSeconds=30),
            ["field.deletionGracePeriodSeconds: Invalid value: 30: field is immutable"],
        ),
        (
            _m(deletionGracePeriodSeconds=30),
            _m(),
            ['field.deletionGracePeriodSeconds: Invalid value: "null": field is immutable'],
        ),
        (
            _m(deletionGracePeriodSeconds=30),
            _m(deletionGracePeriodSeconds=40),
            ["field.deletionGracePeriodSeconds: Invalid value: 40: field is immutable"],
        ),
    ],
)
def test_update_prevents_deletion_field_mutation(
    old: dict[str, Any], new: dict[str, Any], expected: list[str]
) -> None:
    """TestValidateObjectMetaUpdatePreventsDeletionFieldMutation."""
    assert strs(validate_object_meta_update(new, old, Path("field"))) == expected


@pytest.mark.parametrize(
    ("old_gen", "new_gen", "expected"),
    [
        (5, 4, ["field.generation: Invalid value: 4: must not be decremented"]),
        (1, 2, []),
        (5, 5, []),
    ],
)
def test_object_meta_generation_update(old_gen: int, new_gen: int, expected: list[str]) -> None:
    """TestObjectMetaGenerationUpdate."""
    errs = validate_object_meta_update(
        _m(generation=new_gen), _m(generation=old_gen), Path("field")
    )
    assert strs(errs) == expected


def test_update_immutable_identity_and_resource_version() -> None:
    old = _m(namespace="ns", uid="u1")
    new = {"name": "other", "namespace": "ns2", "uid": "u2"}
    assert strs(validate_object_meta_update(new, old)) == [
        'metadata.resourceVersion: Invalid value: "": must be specified for an update',
        'metadata.name: Invalid value: "other": field is immutable',
        'metadata.namespace: Invalid value: "ns2": field is immutable',
        'metadata.uid: Invalid value: "u2": field is immutable',
    ]


def test_update_validates_new_labels() -> None:
    errs = validate_object_meta_update(_m(labels={"a": "-b"}), _m())
    assert strs(errs) == [f'metadata.labels: Invalid value: "-b": {LABEL_VALUE_ERR}']


def test_validate_immutable_field_semantic_equality() -> None:
    """Semantic.DeepEqual: a nil list or map equals an empty one."""
    p = Path("spec", "x")
    assert validate_immutable_field(None, [], p) == []
    assert validate_immutable_field({"a": []}, {"a": None}, p) == []
    assert validate_immutable_field({"a": 1}, {"a": 1}, p) == []
    assert strs(validate_immutable_field("b", "a", p)) == [
        'spec.x: Invalid value: "b": field is immutable'
    ]
    assert validate_immutable_field(1, True, p) != []


# --------------------------------------------------------------------------------------
# Request options


@pytest.mark.parametrize("manager", ["filedManager", "你好", "🍔", "kubectl-client-side-apply"])
def test_field_manager_valid(manager: str) -> None:
    """TestValidateFieldManagerValid."""
    assert validate_field_manager(manager) == []


@pytest.mark.parametrize(
    ("manager", "expected"),
    [
        ("\x00", 'fieldManager: Invalid value: "\\x00": invalid character U+0000 (at position 0)'),
        (
            "a\x7f",
            'fieldManager: Invalid value: "a\\x7f": invalid character U+007F (at position 1)',
        ),
        (
            "你\u200b",
            'fieldManager: Invalid value: "你\\u200b": invalid character U+200B (at position 3)',
        ),
        ("a" * 129, "fieldManager: Too long: may not be more than 128 bytes"),
    ],
)
def test_field_manager_invalid(manager: str, expected: str) -> None:
    """TestValidateFieldManagerInvalid: positions are byte offsets, values Go-quoted."""
    assert strs(validate_field_manager(manager)) == [expected]


def test_dry_run() -> None:
    """ValidateDryRun: only `All`."""
    assert validate_dry_run([]) == []
    assert validate_dry_run(["All"]) == []
    assert strs(validate_dry_run(["All", "Foo"])) == [
        'dryRun: Unsupported value: []string{"All", "Foo"}: supported values: "All"'
    ]


@pytest.mark.parametrize(
    ("opts", "watch_list", "expected"),
    [
        ({}, False, []),
        ({"resource_version": "1", "resource_version_match": "Exact"}, False, []),
        (
            {"resource_version": "0", "resource_version_match": "Exact"},
            False,
            [
                'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for '
                'resourceVersion "0"'
            ],
        ),
        ({"resource_version": "0", "resource_version_match": "NotOlderThan"}, False, []),
        (
            {"resource_version": "0", "resource_version_match": "foo"},
            False,
            [
                'resourceVersionMatch: Unsupported value: "foo": supported values: "Exact", '
                '"NotOlderThan", ""'
            ],
        ),
        (
            {"send_initial_events": True},
            False,
            ["sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"],
        ),
        (
            {"resource_version_match": "Exact", "continue_token": "abc"},
            False,
            [
                "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                "resourceVersion is provided",
                "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when "
                "continue is provided",
            ],
        ),
        ({"watch": True}, False, []),
        (
            {
                "watch": True,
                "send_initial_events": True,
                "resource_version_match": "NotOlderThan",
                "allow_watch_bookmarks": True,
            },
            True,
            [],
        ),
        (
            {
                "watch": True,
                "send_initial_events": False,
                "resource_version_match": "NotOlderThan",
                "allow_watch_bookmarks": True,
            },
            True,
            [],
        ),
        (
            {"watch": True, "resource_version_match": "NotOlderThan"},
            False,
            [
                "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch "
                "unless sendInitialEvents is provided"
            ],
        ),
        (
            {"watch": True, "send_initial_events": True},
            False,
            [
                "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                "resourceVersionMatch to NotOlderThan",
                "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless "
                "the WatchList feature gate is enabled",
            ],
        ),
        (
            {
                "watch": True,
                "send_initial_events": True,
                "resource_version_match": "Exact",
                "allow_watch_bookmarks": True,
            },
            True,
            [
                "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                "resourceVersionMatch to NotOlderThan",
                'resourceVersionMatch: Unsupported value: "Exact": supported values: '
                '"NotOlderThan"',
            ],
        ),
        (
            {"watch": True, "send_initial_events": False, "resource_version_match": ""},
            False,
            [
                "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                "resourceVersionMatch to NotOlderThan",
                "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless "
                "the WatchList feature gate is enabled",
            ],
        ),
        (
            {
                "watch": True,
                "send_initial_events": True,
                "resource_version_match": "incorrect",
                "allow_watch_bookmarks": True,
            },
            True,
            [
                "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                "resourceVersionMatch to NotOlderThan",
                'resourceVersionMatch: Unsupported value: "incorrect": supported values: '
                '"NotOlderThan"',
            ],
        ),
        (
            # Bookmarks are not required: initial events could always be had with RV=0.
            {"watch": True, "send_initial_events": True, "resource_version_match": "NotOlderThan"},
            True,
            [],
        ),
        (
            {
                "watch": True,
                "send_initial_events": True,
                "resource_version_match": "NotOlderThan",
                "allow_watch_bookmarks": True,
            },
            False,
            [
                "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the "
                "WatchList feature gate is enabled"
            ],
        ),
        (
            {
                "watch": True,
                "send_initial_events": True,
                "resource_version_match": "NotOlderThan",
                "allow_watch_bookmarks": True,
                "continue_token": "123",
            },
            True,
            [
                "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue "
                "is provided"
            ],
        ),
    ],
)
def test_validate_list_options(opts: dict[str, Any], watch_list: bool, expected: list[str]) -> None:
    """TestValidateListOptions."""
    args: dict[str, Any] = {
        "resource_version": "",
        "resource_version_match": "",
        "continue_token": "",
        "watch": False,
        "send_initial_events": None,
        "allow_watch_bookmarks": False,
    }
    args.update(opts)
    errs = validate_list_options(**args, watch_list_enabled=watch_list)
    assert strs(errs) == expected
