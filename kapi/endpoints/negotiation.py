"""Content negotiation (upstream `k8s.io/apiserver/pkg/endpoints/handlers/negotiation`).

Pure functions: an Accept header in, the serializer and the requested conversion out.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapi.machinery import errors

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"
ACCEPTED_MEDIA_TYPES = (JSON, YAML, PROTOBUF)

DISCOVERY_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


@dataclass(frozen=True, slots=True)
class MediaType:
    type: str
    params: dict[str, str]

    @property
    def full(self) -> str:
        return self.type


@dataclass(frozen=True, slots=True)
class Negotiated:
    """`format` is the serializer ("json" or "yaml"); `convert` the requested conversion
    ("" for the object itself, "Table", "PartialObjectMetadata", "PartialObjectMetadataList",
    "APIGroupDiscoveryList"); `version` the conversion's version."""

    format: str = "json"
    convert: str = ""
    version: str = ""

    @property
    def content_type(self) -> str:
        if self.convert == "APIGroupDiscoveryList":
            return (
                DISCOVERY_V2 if self.version == "v2" else DISCOVERY_V2.replace("v=v2", "v=v2beta1")
            )
        return YAML if self.format == "yaml" else JSON


def parse_accept(header: str) -> list[MediaType]:
    out = []
    for part in header.split(","):
        part = part.strip()
        if not part:
            continue
        pieces = [p.strip() for p in part.split(";")]
        params: dict[str, str] = {}
        for p in pieces[1:]:
            if "=" in p:
                k, _, v = p.partition("=")
                params[k.strip().lower()] = v.strip().strip('"')
        out.append(MediaType(pieces[0].lower(), params))
    return out


def _format_of(media: str) -> str | None:
    if media in (JSON, "application/*", "*/*", "application/json-seq"):
        return "json"
    if media in (YAML, "application/x-yaml", "text/yaml"):
        return "yaml"
    if media == PROTOBUF:
        # We cannot serve protobuf; upstream answers such clients in JSON too.
        return "json"
    return None


def negotiate(accept: str, *, allow_conversions: frozenset[str] = frozenset()) -> Negotiated:
    """Pick the first acceptable entry of the Accept header. A conversion (`as=`) is honoured
    only when listed in `allow_conversions`; an entry asking for another one is skipped, and
    406 is raised when nothing is acceptable."""
    if not accept.strip():
        return Negotiated()
    for mt in parse_accept(accept):
        fmt = _format_of(mt.type)
        if fmt is None:
            continue
        conv = mt.params.get("as", "")
        if not conv:
            return Negotiated(fmt)
        if conv not in allow_conversions or fmt != "json":
            continue
        group, version = mt.params.get("g", ""), mt.params.get("v", "")
        if conv == "APIGroupDiscoveryList":
            if group == "apidiscovery.k8s.io" and version in ("v2", "v2beta1"):
                return Negotiated(fmt, conv, version)
            continue
        if group == "meta.k8s.io" and version in ("v1", "v1beta1"):
            return Negotiated(fmt, conv, version)
    raise errors.new_not_acceptable(ACCEPTED_MEDIA_TYPES)


def media_type_of(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()
