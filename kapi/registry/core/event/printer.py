"""`kubectl get events` columns (upstream `printEvent`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import NAME_COLUMN, Column, TablePrinter, translate_timestamp_since
from kapi.registry.core.shape import integer, mapping, text

Object = dict[str, Any]

COLUMNS = (
    Column(
        "Last Seen",
        description="The time at which the most recent occurrence of this event was recorded.",
    ),
    Column(
        "Type",
        description="Type of this event (Normal, Warning), new types could be added in the future",
    ),
    Column(
        "Reason",
        description="This should be a short, machine understandable string that gives the reason "
        "for the transition into the object's current status.",
    ),
    Column("Object", description="The object that this event is about."),
    Column(
        "Subobject",
        priority=1,
        description="If referring to a piece of an object instead of an entire object, this "
        "string should contain a valid JSON/Go field access statement, such as "
        "desiredState.manifest.containers[2]. For example, if the object reference is to a "
        'container within a pod, this would take on a value like: "spec.containers{name}" (where '
        '"name" refers to the name of the container that triggered the event) or if no container '
        'name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax '
        "is chosen only to have some well-defined way of referencing a part of an object.",
    ),
    Column(
        "Source",
        priority=1,
        description="The component reporting this event. Should be a short machine understandable "
        "string.",
    ),
    Column("Message", description="A human-readable description of the status of this operation."),
    Column(
        "First Seen",
        priority=1,
        description="The time at which the event was first recorded. (Time of server receipt is "
        "in TypeMeta.)",
    ),
    Column("Count", priority=1, description="The number of times this event has occurred."),
    Column("Name", "string", "name", NAME_COLUMN.description, 1),
)


def _source(event: Object) -> str:
    source = mapping(event.get("source"))
    component = text(source.get("component")) or text(event.get("reportingComponent"))
    instance = text(source.get("host")) or text(event.get("reportingInstance"))
    return f"{component}, {instance}" if instance else component


def event_row(event: Object) -> list[Any]:
    first = event.get("firstTimestamp") or event.get("eventTime")
    first_seen = translate_timestamp_since(text(first) or None)
    last_seen = (
        translate_timestamp_since(text(event.get("lastTimestamp")))
        if event.get("lastTimestamp")
        else first_seen
    )
    count = integer(event.get("count")) or 0
    series = event.get("series")
    if isinstance(series, dict):
        last_seen = translate_timestamp_since(text(series.get("lastObservedTime")) or None)
        count = integer(series.get("count")) or 0
    elif count == 0:
        count = 1  # singleton events of the new API carry no count
    involved = mapping(event.get("involvedObject"))
    kind, name = text(involved.get("kind")).lower(), text(involved.get("name"))
    return [
        last_seen,
        text(event.get("type")),
        text(event.get("reason")),
        f"{kind}/{name}" if name else kind,
        text(involved.get("fieldPath")),
        _source(event),
        text(event.get("message")).strip(),
        first_seen,
        count,
        text(mapping(event.get("metadata")).get("name")),
    ]


PRINTER = TablePrinter(COLUMNS, event_row)
