"""Decode `application/vnd.kubernetes.protobuf` request bodies into JSON-shaped dicts.

kubectl's typed clients and client-go controllers send built-in objects as protobuf (the
4-byte magic `k8s\\x00`, then a `runtime.Unknown` envelope whose `raw` is the object's own
encoding) and do not fall back to JSON. kapi stores JSON, so a body is turned into exactly
the dict a JSON client would have sent for the same Go object. The message layouts are data
in `kapi.machinery.protobuf_schema`; this module is a small, schema-driven proto2 reader.

Zero values: upstream's generated marshallers always write non-pointer fields, even when
zero, while encoding/json drops zero scalars whose tag says `omitempty`. The schema records,
per field, what the Go struct tag says (the same tags that produce the .proto files), and the
decoder applies encoding/json's rules:

- a scalar with `omitempty` is dropped when it is "", 0 or false;
- a pointer scalar (`*`) is kept whenever it is on the wire: nil pointers are never written,
  so presence is what distinguishes `replicas: 0` from an unset field;
- a scalar without `omitempty` and a non-pointer struct (`!`) are always in JSON, so they are
  filled with their zero value when the sender left them out;
- empty lists and maps are dropped (nil and empty are the same on the wire), except where
  the tag has no `omitempty` (`~`): a nil slice or pointer there is JSON null;
- a zero metav1.Time / MicroTime (JSON null) is left out: 1.37 tags creationTimestamp
  `omitzero`, and for the other time fields null and absent decode the same.
"""

from __future__ import annotations

import base64
import datetime
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from kapi.machinery import errors

PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
MAGIC = b"k8s\x00"

# What a client may send instead, for the 415 answer to kinds the schema does not cover.
_ACCEPTED = ("application/json", "application/yaml")

_VARINT, _FIXED64, _LEN, _FIXED32 = 0, 1, 2, 5

_SCALARS = frozenset("syibd")
_TIME = "meta.Time"
_MICRO_TIME = "meta.MicroTime"
_DURATION = "meta.Duration"
_FIELDS_V1 = "meta.FieldsV1"
_QUANTITY = "res.Quantity"
_INT_OR_STRING = "intstr.IntOrString"
_RAW_EXTENSION = "rt.RawExtension"
_STRINGS = "x.Strings"

# Go's zero time.Time is 0001-01-01T00:00:00Z; encoded as seconds since the Unix epoch.
_GO_ZERO_SECONDS = -62135596800
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class ProtobufError(ValueError):
    """The bytes are not a well-formed encoding of the expected message."""


@dataclass(frozen=True, slots=True)
class Field:
    number: int
    name: str  # JSON name; "^" inlines the embedded struct into its parent
    type: str  # scalar letter (s y i b d) or qualified message name
    repeated: bool = False
    map: bool = False  # map<string, type>
    pointer: bool = False  # "*": kept when present even if zero
    keep: bool = False  # "!": always in JSON, zero-filled when absent
    null: bool = False  # "~": nil pointer or slice without omitempty, JSON null when absent


@dataclass(frozen=True, slots=True)
class Message:
    name: str
    fields: dict[int, Field]


# ---------------------------------------------------------------------------------------------
# Wire reading


def read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    """Return (unsigned value, next position) of the base-128 varint at `pos`."""
    result = 0
    shift = 0
    while True:
        if pos >= len(buf):
            raise ProtobufError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise ProtobufError("varint too long")


def _signed64(v: int) -> int:
    # int32 and int64 negatives are sign-extended to ten-byte two's complement varints.
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


def iter_fields(buf: bytes) -> list[tuple[int, int, Any]]:
    """Split one message into (number, wire type, value): an int, or bytes for LEN fields."""
    out: list[tuple[int, int, Any]] = []
    pos = 0
    end = len(buf)
    while pos < end:
        key, pos = read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("field number 0")
        value: Any
        if wire == _VARINT:
            value, pos = read_varint(buf, pos)
        elif wire == _LEN:
            size, pos = read_varint(buf, pos)
            if pos + size > end:
                raise ProtobufError(f"field {number}: length {size} past end of message")
            value = buf[pos : pos + size]
            pos += size
        elif wire == _FIXED64:
            if pos + 8 > end:
                raise ProtobufError("truncated fixed64")
            value = buf[pos : pos + 8]
            pos += 8
        elif wire == _FIXED32:
            if pos + 4 > end:
                raise ProtobufError("truncated fixed32")
            value = buf[pos : pos + 4]
            pos += 4
        else:
            raise ProtobufError(f"field {number}: unsupported wire type {wire}")
        out.append((number, wire, value))
    return out


# ---------------------------------------------------------------------------------------------
# Schema


def _parse_type(spec: str, section: str) -> tuple[str, bool, bool, bool, bool, bool]:
    pointer = spec.endswith("*")
    keep = spec.endswith("!")
    null = spec.endswith("~")
    if pointer or keep or null:
        spec = spec[:-1]
    repeated = spec.startswith("[") and spec.endswith("]")
    is_map = spec.startswith("{") and spec.endswith("}")
    if repeated or is_map:
        spec = spec[1:-1]
    if spec not in _SCALARS and "." not in spec:
        spec = f"{section}.{spec}"
    return spec, repeated, is_map, pointer or null, keep, null


def parse_schema(text: str) -> dict[str, Message]:
    """Parse the `protobuf_schema.MESSAGES` notation into messages keyed by qualified name."""
    entries: list[tuple[str, str]] = []
    section = ""
    for raw_line in text.splitlines():
        if not raw_line.strip():
            continue
        if raw_line.startswith("@"):
            section = raw_line[1:].strip()
        elif raw_line[0].isspace():
            entries[-1] = (entries[-1][0], entries[-1][1] + " " + raw_line.strip())
        else:
            entries.append((section, raw_line.strip()))
    messages: dict[str, Message] = {}
    for sec, entry in entries:
        name, _, body = entry.partition(" = ")
        fields: dict[int, Field] = {}
        for part in body.split(";"):
            number, json_name, spec = part.split()
            typ, repeated, is_map, pointer, keep, null = _parse_type(spec, sec)
            fields[int(number)] = Field(
                int(number), json_name, typ, repeated, is_map, pointer, keep, null
            )
        messages[f"{sec}.{name}"] = Message(f"{sec}.{name}", fields)
    return messages


_messages: dict[str, Message] | None = None


def _schema() -> dict[str, Message]:
    global _messages
    if _messages is None:
        from kapi.machinery import protobuf_schema

        _messages = parse_schema(protobuf_schema.MESSAGES)
    return _messages


def message_for(api_version: str, kind: str) -> str | None:
    """The qualified message name for a typeMeta, or None when kapi cannot decode it."""
    from kapi.machinery import protobuf_schema

    return protobuf_schema.KINDS.get((api_version, kind)) or protobuf_schema.ANY_VERSION_KINDS.get(
        kind
    )


# ---------------------------------------------------------------------------------------------
# Builtin messages with their own JSON forms


def _time_fields(data: bytes) -> tuple[int, int]:
    seconds = nanos = 0
    for number, wire, value in iter_fields(data):
        if wire != _VARINT:
            raise ProtobufError("Timestamp: unexpected wire type")
        if number == 1:
            seconds = _signed64(value)
        elif number == 2:
            nanos = _signed64(value)
    return seconds, nanos


def _to_datetime(seconds: int, micros: int = 0) -> datetime.datetime:
    try:
        return _EPOCH + datetime.timedelta(seconds=seconds, microseconds=micros)
    except OverflowError as e:
        raise ProtobufError(f"timestamp {seconds} out of range") from e


def decode_time(data: bytes) -> str | None:
    """metav1.Time: RFC 3339 in UTC, whole seconds (upstream drops the nanos); zero is null."""
    if not data:
        return None
    seconds, _ = _time_fields(data)
    if seconds == _GO_ZERO_SECONDS:
        return None
    return _to_datetime(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


def decode_micro_time(data: bytes) -> str | None:
    """metav1.MicroTime: RFC 3339 in UTC with six fractional digits; zero is null."""
    if not data:
        return None
    seconds, nanos = _time_fields(data)
    if seconds == _GO_ZERO_SECONDS and nanos == 0:
        return None
    return _to_datetime(seconds, nanos // 1000).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def format_go_duration(ns: int) -> str:
    """Go's time.Duration.String(): "1h2m3.5s", "1.5ms", "0s"."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < 1_000_000_000:
        for unit, size in (("ns", 1), ("µs", 1_000), ("ms", 1_000_000)):
            if u < size * 1000:
                return sign + _fraction(u, size) + unit
    hours, rem = divmod(u, 3600 * 1_000_000_000)
    minutes, rem = divmod(rem, 60 * 1_000_000_000)
    out = sign
    if hours:
        out += f"{hours}h"
    if hours or minutes:
        out += f"{minutes}m"
    return out + _fraction(rem, 1_000_000_000) + "s"


def _fraction(value: int, size: int) -> str:
    whole, frac = divmod(value, size)
    if not frac:
        return str(whole)
    digits = len(str(size)) - 1
    return f"{whole}." + f"{frac:0{digits}d}".rstrip("0")


def decode_duration(data: bytes) -> str:
    ns = 0
    for number, wire, value in iter_fields(data):
        if number == 1 and wire == _VARINT:
            ns = _signed64(value)
    return format_go_duration(ns)


def decode_quantity(data: bytes) -> str:
    """resource.Quantity travels as its canonical string (field 1)."""
    text = "0"
    for number, wire, value in iter_fields(data):
        if number == 1 and wire == _LEN:
            text = bytes(value).decode("utf-8", "replace")
    return text


def decode_int_or_string(data: bytes) -> int | str:
    kind, int_val, str_val = 0, 0, ""
    for number, wire, value in iter_fields(data):
        if number == 1 and wire == _VARINT:
            kind = _signed64(value)
        elif number == 2 and wire == _VARINT:
            int_val = _signed64(value)
        elif number == 3 and wire == _LEN:
            str_val = bytes(value).decode("utf-8", "replace")
    return str_val if kind == 1 else int_val


def _raw_field(data: bytes) -> bytes:
    raw = b""
    for number, wire, value in iter_fields(data):
        if number == 1 and wire == _LEN:
            raw = bytes(value)
    return raw


def _parse_json(raw: bytes, what: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise ProtobufError(f"{what}: raw bytes are not JSON: {e}") from e


def decode_fields_v1(data: bytes) -> Any:
    raw = _raw_field(data)
    return _parse_json(raw, "FieldsV1") if raw else None


def decode_raw_extension(data: bytes) -> Any:
    """runtime.RawExtension: the embedded object, JSON or itself a protobuf envelope."""
    raw = _raw_field(data)
    if not raw:
        return None
    if raw.startswith(MAGIC):
        return decode_protobuf(raw)
    return _parse_json(raw, "RawExtension")


def decode_strings(data: bytes) -> list[str]:
    """A message wrapping `repeated string items = 1` (ExtraValue): a plain list in JSON."""
    return [
        bytes(value).decode("utf-8", "replace")
        for number, wire, value in iter_fields(data)
        if number == 1 and wire == _LEN
    ]


_BUILTINS: dict[str, Callable[[bytes], Any]] = {
    _TIME: decode_time,
    _MICRO_TIME: decode_micro_time,
    _DURATION: decode_duration,
    _FIELDS_V1: decode_fields_v1,
    _QUANTITY: decode_quantity,
    _INT_OR_STRING: decode_int_or_string,
    _RAW_EXTENSION: decode_raw_extension,
    _STRINGS: decode_strings,
}

_SCALAR_ZERO: dict[str, Any] = {"s": "", "y": "", "i": 0, "b": False, "d": 0.0}


# ---------------------------------------------------------------------------------------------
# Messages


def _scalar(typ: str, wire: int, value: Any, where: str) -> Any:
    if typ == "s":
        if wire != _LEN:
            raise ProtobufError(f"{where}: expected a string")
        return bytes(value).decode("utf-8", "replace")
    if typ == "y":
        if wire != _LEN:
            raise ProtobufError(f"{where}: expected bytes")
        return base64.b64encode(value).decode("ascii")
    if typ == "i":
        if wire != _VARINT:
            raise ProtobufError(f"{where}: expected a varint")
        return _signed64(value)
    if typ == "b":
        if wire != _VARINT:
            raise ProtobufError(f"{where}: expected a varint")
        return value != 0
    if typ == "d":
        if wire != _FIXED64:
            raise ProtobufError(f"{where}: expected a double")
        return struct.unpack("<d", value)[0]
    raise ProtobufError(f"{where}: unknown scalar type {typ!r}")


def _packed(typ: str, data: bytes, where: str) -> list[Any]:
    """Elements of a packed repeated numeric field."""
    out: list[Any] = []
    if typ == "d":
        if len(data) % 8:
            raise ProtobufError(f"{where}: packed doubles of odd length")
        return [v[0] for v in struct.iter_unpack("<d", data)]
    pos = 0
    while pos < len(data):
        v, pos = read_varint(data, pos)
        out.append(_scalar(typ, _VARINT, v, where))
    return out


def _value(typ: str, wire: int, value: Any, where: str) -> Any:
    """One (non-repeated) value of type `typ`."""
    if typ in _SCALARS:
        return _scalar(typ, wire, value, where)
    if wire != _LEN:
        raise ProtobufError(f"{where}: expected an embedded message")
    builtin = _BUILTINS.get(typ)
    if builtin is not None:
        return builtin(bytes(value))
    return decode_message(typ, bytes(value))


def _zero(typ: str) -> Any:
    """The JSON form of a Go zero value of `typ`, for fields JSON always carries."""
    if typ in _SCALARS:
        return _SCALAR_ZERO[typ]
    builtin = _BUILTINS.get(typ)
    if builtin is not None:
        return builtin(b"")
    return decode_message(typ, b"")


def _map_entry(typ: str, data: bytes, where: str) -> tuple[str, Any]:
    key = ""
    val: Any = None
    found = False
    for number, wire, value in iter_fields(data):
        if number == 1:
            key = _scalar("s", wire, value, where + " key")
        elif number == 2:
            val = _value(typ, wire, value, where)
            found = True
    return key, val if found else _zero(typ)


def decode_message(name: str, data: bytes) -> dict[str, Any]:
    """Decode one message of the schema into the dict encoding/json would produce."""
    msg = _schema().get(name)
    if msg is None:
        raise ProtobufError(f"no schema for message {name}")
    values: dict[int, Any] = {}
    for number, wire, value in iter_fields(data):
        f = msg.fields.get(number)
        if f is None:
            continue  # unknown field: skipped, as upstream's generated unmarshallers do
        where = f"{name}.{f.name}"
        if f.map:
            if wire != _LEN:
                raise ProtobufError(f"{where}: expected a map entry")
            k, v = _map_entry(f.type, bytes(value), where)
            values.setdefault(number, {})[k] = v
        elif f.repeated:
            items = values.setdefault(number, [])
            if wire == _LEN and f.type in ("i", "b", "d"):
                items.extend(_packed(f.type, bytes(value), where))
            else:
                items.append(_value(f.type, wire, value, where))
        else:
            values[number] = _value(f.type, wire, value, where)

    out: dict[str, Any] = {}
    for number, f in msg.fields.items():
        if number in values:
            v = values[number]
        elif f.null:
            out[f.name] = None
            continue
        elif (f.keep and not (f.repeated or f.map)) or f.name == "^":
            v = _zero(f.type)
        else:
            continue
        if v is None:
            continue  # a zero metav1.Time (null) reads back as unset; 1.37 tags it omitzero
        if f.name == "^":
            out.update(v)
        elif f.repeated or f.map:
            if v or f.null:
                out[f.name] = v
        elif f.type in _SCALARS and not (f.pointer or f.keep) and not v:
            continue  # omitempty drops zero scalars
        else:
            out[f.name] = v
    return out


# ---------------------------------------------------------------------------------------------
# Envelope


def _unknown(data: bytes) -> tuple[str, str, bytes, str]:
    """runtime.Unknown -> (apiVersion, kind, raw, contentEncoding)."""
    api_version = kind = encoding = ""
    raw = b""
    for number, wire, value in iter_fields(data):
        if wire != _LEN:
            continue
        if number == 1:
            for n, w, v in iter_fields(bytes(value)):
                if w == _LEN and n == 1:
                    api_version = bytes(v).decode("utf-8", "replace")
                elif w == _LEN and n == 2:
                    kind = bytes(v).decode("utf-8", "replace")
        elif number == 2:
            raw = bytes(value)
        elif number == 3:
            encoding = bytes(value).decode("utf-8", "replace")
    return api_version, kind, raw, encoding


def decode_protobuf(body: bytes) -> dict[str, Any]:
    """Decode a Kubernetes protobuf request body into the JSON-shaped object.

    Raises a 400 StatusError for bytes that are not a Kubernetes protobuf envelope or do not
    decode, and a 415 StatusError for kinds whose wire schema kapi does not carry.
    """
    if not body.startswith(MAGIC):
        raise errors.new_bad_request(
            "the body of the request is not a Kubernetes protobuf object: "
            "it does not start with the 'k8s\\x00' prefix"
        )
    try:
        api_version, kind, raw, encoding = _unknown(body[len(MAGIC) :])
    except ProtobufError as e:
        raise errors.new_bad_request(f"unable to decode protobuf envelope: {e}") from e
    if not kind:
        raise errors.new_bad_request("Object 'Kind' is missing in protobuf body")
    if encoding:
        raise errors.new_bad_request(f"unsupported protobuf content encoding {encoding!r}")
    name = message_for(api_version, kind)
    if name is None:
        raise errors.new_unsupported_media_type(_ACCEPTED)
    try:
        obj = decode_message(name, raw)
    except ProtobufError as e:
        raise errors.new_bad_request(f"unable to decode protobuf {kind}: {e}") from e
    return {"kind": kind, "apiVersion": api_version, **obj}
