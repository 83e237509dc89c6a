"""The building blocks of the bundle schema: closed objects with titled properties.

Every object in a bundle file is closed (no unknown keys) and every property has a title
and a description, so that editors and generated documentation explain each field.
"""

from __future__ import annotations

from typing import Any

DATE: dict[str, Any] = {
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "format": "date",
}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
NUMBER = {"type": "string", "pattern": "^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$"}


def prop(title: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"title": title, "description": description, **schema}


def closed(title: str, description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "title": title,
        "description": description,
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }


def kind(name: str) -> dict[str, Any]:
    return prop("Kind", f"What this file is: always {name!r} here.", {"const": name})


WINDOW = closed(
    "Window of effect",
    "When the version is in effect: from start, up to but not including end.",
    {
        "start": prop("Start", "First day in effect (its effective date).", DATE),
        "end": prop(
            "End",
            "First day no longer in effect; null while open-ended.",
            {"anyOf": [DATE, {"type": "null"}]},
        ),
    },
)
NULLABLE_TEXT = {"type": ["string", "null"]}
WINDOW_REF = {"$ref": "#/$defs/window"}
