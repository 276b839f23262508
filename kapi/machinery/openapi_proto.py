"""Swagger 2.0 JSON -> gnostic's `openapi.v2.Document` protobuf (OpenAPIv2.proto).

client-go's `OpenAPISchema()` asks `/openapi/v2` for
`application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and only parses protobuf, so
`kubectl explain --output=plaintext-openapiv2` (and kubectl's v2 fallbacks) need this form.
A small hand-written encoder for the message subset Kubernetes documents use; no protobuf
runtime is needed. Values of `Any` (vendor extensions, enum, default, example) are carried in
its `yaml` field as JSON text, which is valid YAML and is how consumers read them back.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

import orjson

_VARINT = 0
_FIXED64 = 1
_LEN = 2


def _varint(n: int) -> bytes:
    if n < 0:
        n &= (1 << 64) - 1  # int64 negative values are ten-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


class _Msg:
    """Appends fields of one message; proto3 defaults (empty, zero, false) are left out."""

    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = bytearray()

    def _key(self, number: int, wire: int) -> None:
        self.buf += _varint(number << 3 | wire)

    def string(self, number: int, value: Any) -> None:
        if isinstance(value, str) and value:
            self.bytes_(number, value.encode())

    def strings(self, number: int, values: Any) -> None:
        if isinstance(values, list):
            for v in values:
                if isinstance(v, str):
                    self.bytes_(number, v.encode())

    def bytes_(self, number: int, data: bytes) -> None:
        self._key(number, _LEN)
        self.buf += _varint(len(data))
        self.buf += data

    def message(self, number: int, data: bytes | None, *, keep_empty: bool = False) -> None:
        if data is None or (not data and not keep_empty):
            return
        self.bytes_(number, data)

    def boolean(self, number: int, value: Any, *, keep_false: bool = False) -> None:
        if isinstance(value, bool) and (value or keep_false):
            self._key(number, _VARINT)
            self.buf.append(1 if value else 0)

    def int64(self, number: int, value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and value:
            self._key(number, _VARINT)
            self.buf += _varint(value)

    def double(self, number: int, value: Any) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value:
            self._key(number, _FIXED64)
            self.buf += struct.pack("<d", float(value))

    def done(self) -> bytes:
        return bytes(self.buf)


def _any(value: Any) -> bytes:
    m = _Msg()
    m.string(2, orjson.dumps(value).decode())
    return m.done()


def _named(name: str, value: bytes) -> bytes:
    m = _Msg()
    m.string(1, name)
    m.message(2, value, keep_empty=True)
    return m.done()


def _vendor_extensions(m: _Msg, number: int, obj: Mapping[str, Any]) -> None:
    for key, value in obj.items():
        if key.startswith("x-"):
            m.message(number, _named(key, _any(value)))


def _schema(s: Mapping[str, Any]) -> bytes:
    m = _Msg()
    m.string(1, s.get("$ref"))
    m.string(2, s.get("format"))
    m.string(3, s.get("title"))
    m.string(4, s.get("description"))
    if "default" in s:
        m.message(5, _any(s["default"]))
    m.double(6, s.get("multipleOf"))
    m.double(7, s.get("maximum"))
    m.boolean(8, s.get("exclusiveMaximum"))
    m.double(9, s.get("minimum"))
    m.boolean(10, s.get("exclusiveMinimum"))
    m.int64(11, s.get("maxLength"))
    m.int64(12, s.get("minLength"))
    m.string(13, s.get("pattern"))
    m.int64(14, s.get("maxItems"))
    m.int64(15, s.get("minItems"))
    m.boolean(16, s.get("uniqueItems"))
    m.int64(17, s.get("maxProperties"))
    m.int64(18, s.get("minProperties"))
    m.strings(19, s.get("required"))
    for value in s.get("enum") or ():
        m.message(20, _any(value), keep_empty=True)
    additional = s.get("additionalProperties")
    if isinstance(additional, Mapping):
        item = _Msg()
        item.message(1, _schema(additional), keep_empty=True)
        m.message(21, item.done())
    elif isinstance(additional, bool):
        item = _Msg()
        item.boolean(2, additional, keep_false=True)  # a oneof member: false is meaningful
        m.message(21, item.done())
    type_ = s.get("type")
    if isinstance(type_, str):
        t = _Msg()
        t.string(1, type_)
        m.message(22, t.done())
    items = s.get("items")
    if isinstance(items, Mapping):
        it = _Msg()
        it.message(1, _schema(items), keep_empty=True)
        m.message(23, it.done())
    for sub in s.get("allOf") or ():
        if isinstance(sub, Mapping):
            m.message(24, _schema(sub), keep_empty=True)
    props = s.get("properties")
    if isinstance(props, Mapping):
        p = _Msg()
        for name, sub in props.items():
            p.message(1, _named(name, _schema(sub)))
        m.message(25, p.done(), keep_empty=True)
    m.string(26, s.get("discriminator"))
    m.boolean(27, s.get("readOnly"))
    if "example" in s:
        m.message(30, _any(s["example"]))
    _vendor_extensions(m, 31, s)
    return m.done()


def _primitive_parameter(p: Mapping[str, Any], path: bool) -> bytes:
    # Query and path sub-schemas share their first fields; path ones lack allow_empty_value,
    # which shifts the rest by one.
    shift = -1 if path else 0
    m = _Msg()
    m.boolean(1, p.get("required"))
    m.string(2, p.get("in"))
    m.string(3, p.get("description"))
    m.string(4, p.get("name"))
    if not path:
        m.boolean(5, p.get("allowEmptyValue"))
    m.string(6 + shift, p.get("type"))
    m.string(7 + shift, p.get("format"))
    m.string(9 + shift, p.get("collectionFormat"))
    if "default" in p:
        m.message(10 + shift, _any(p["default"]))
    m.boolean(20 + shift, p.get("uniqueItems"))
    for value in p.get("enum") or ():
        m.message(21 + shift, _any(value), keep_empty=True)
    _vendor_extensions(m, 23 + shift, p)
    return m.done()


def _parameter_message(p: Mapping[str, Any]) -> bytes:
    """A `Parameter`: a body parameter, or a header/formData/query/path one."""
    param = _Msg()
    location = p.get("in")
    if location == "body":
        body = _Msg()
        body.string(1, p.get("description"))
        body.string(2, p.get("name"))
        body.string(3, location)
        body.boolean(4, p.get("required"))
        if isinstance(p.get("schema"), Mapping):
            body.message(5, _schema(p["schema"]), keep_empty=True)
        _vendor_extensions(body, 6, p)
        param.message(1, body.done(), keep_empty=True)
    else:
        non_body = _Msg()
        # oneof numbers: header 1, formData 2, query 3, path 4
        number = {"header": 1, "formData": 2, "query": 3, "path": 4}.get(str(location), 3)
        non_body.message(number, _primitive_parameter(p, path=number in (1, 4)),
                         keep_empty=True)
        param.message(2, non_body.done(), keep_empty=True)
    return param.done()


def _parameter(p: Mapping[str, Any]) -> bytes:
    """A `ParametersItem`: a JSON reference or a parameter."""
    item = _Msg()
    if "$ref" in p:
        ref = _Msg()
        ref.string(1, p["$ref"])
        item.message(2, ref.done(), keep_empty=True)
    else:
        item.message(1, _parameter_message(p), keep_empty=True)
    return item.done()


def _responses(responses: Mapping[str, Any]) -> bytes:
    m = _Msg()
    for code, resp in responses.items():
        value = _Msg()
        if "$ref" in resp:
            ref = _Msg()
            ref.string(1, resp["$ref"])
            value.message(2, ref.done(), keep_empty=True)
        else:
            r = _Msg()
            r.string(1, resp.get("description"))
            if isinstance(resp.get("schema"), Mapping):
                schema_item = _Msg()
                schema_item.message(1, _schema(resp["schema"]), keep_empty=True)
                r.message(2, schema_item.done(), keep_empty=True)
            _vendor_extensions(r, 5, resp)
            value.message(1, r.done(), keep_empty=True)
        m.message(1, _named(code, value.done()))
    _vendor_extensions(m, 2, responses)
    return m.done()


def _operation(op: Mapping[str, Any]) -> bytes:
    m = _Msg()
    m.strings(1, op.get("tags"))
    m.string(2, op.get("summary"))
    m.string(3, op.get("description"))
    m.string(5, op.get("operationId"))
    m.strings(6, op.get("produces"))
    m.strings(7, op.get("consumes"))
    for p in op.get("parameters") or ():
        m.message(8, _parameter(p), keep_empty=True)
    if isinstance(op.get("responses"), Mapping):
        m.message(9, _responses(op["responses"]), keep_empty=True)
    m.strings(10, op.get("schemes"))
    m.boolean(11, op.get("deprecated"))
    _vendor_extensions(m, 13, op)
    return m.done()


_METHODS: dict[str, int] = {"get": 2, "put": 3, "post": 4, "delete": 5, "options": 6,
                            "head": 7, "patch": 8}


def _path_item(item: Mapping[str, Any]) -> bytes:
    m = _Msg()
    m.string(1, item.get("$ref"))
    for method, number in _METHODS.items():
        if isinstance(item.get(method), Mapping):
            m.message(number, _operation(item[method]), keep_empty=True)
    for p in item.get("parameters") or ():
        m.message(9, _parameter(p), keep_empty=True)
    _vendor_extensions(m, 10, item)
    return m.done()


def _named_map(values: Mapping[str, Any], encode: Callable[[Any], bytes]) -> bytes:
    m = _Msg()
    for name, value in values.items():
        m.message(1, _named(name, encode(value)))
    return m.done()


def _security_scheme(s: Mapping[str, Any]) -> bytes:
    item = _Msg()
    if s.get("type") == "apiKey":
        key = _Msg()
        key.string(1, s.get("type"))
        key.string(2, s.get("name"))
        key.string(3, s.get("in"))
        key.string(4, s.get("description"))
        item.message(2, key.done(), keep_empty=True)
    elif s.get("type") == "basic":
        basic = _Msg()
        basic.string(1, s.get("type"))
        basic.string(2, s.get("description"))
        item.message(1, basic.done(), keep_empty=True)
    return item.done()


def _security_requirement(req: Mapping[str, Any]) -> bytes:
    m = _Msg()
    for name, scopes in req.items():
        arr = _Msg()
        arr.strings(1, scopes)
        m.message(1, _named(name, arr.done()))
    return m.done()


def encode_v2_document(doc: Mapping[str, Any]) -> bytes:
    """Encode a Swagger 2.0 document (as `build_v2` returns it) to protobuf bytes."""
    m = _Msg()
    m.string(1, doc.get("swagger"))
    info = doc.get("info")
    if isinstance(info, Mapping):
        i = _Msg()
        i.string(1, info.get("title"))
        i.string(2, info.get("version"))
        i.string(3, info.get("description"))
        _vendor_extensions(i, 7, info)
        m.message(2, i.done(), keep_empty=True)
    m.string(3, doc.get("host"))
    m.string(4, doc.get("basePath"))
    m.strings(5, doc.get("schemes"))
    m.strings(6, doc.get("consumes"))
    m.strings(7, doc.get("produces"))
    paths = doc.get("paths")
    if isinstance(paths, Mapping):
        p = _Msg()
        for path, item in paths.items():
            if path.startswith("x-"):
                p.message(1, _named(path, _any(item)))
            else:
                p.message(2, _named(path, _path_item(item)))
        m.message(8, p.done(), keep_empty=True)
    if isinstance(doc.get("definitions"), Mapping):
        m.message(9, _named_map(doc["definitions"], _schema), keep_empty=True)
    if isinstance(doc.get("parameters"), Mapping):
        m.message(10, _named_map(doc["parameters"], _parameter_message))
    for req in doc.get("security") or ():
        m.message(12, _security_requirement(req), keep_empty=True)
    if isinstance(doc.get("securityDefinitions"), Mapping):
        m.message(13, _named_map(doc["securityDefinitions"], _security_scheme))
    _vendor_extensions(m, 16, doc)
    return m.done()
