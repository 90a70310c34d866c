"""Just enough IPP/2.0 (RFC 8010/8011) to print to CUPS and ask it about queues and jobs.

Encoding: a header (version, operation or status, request id), attribute groups of tagged
name/value pairs, end-of-attributes, then the document. Decoding keeps every value of each
attribute as a list; integers and enums as int, booleans as bool, strings as str.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

PRINT_JOB = 0x0002
CANCEL_JOB = 0x0008
GET_JOB_ATTRIBUTES = 0x0009
GET_JOBS = 0x000A
GET_PRINTER_ATTRIBUTES = 0x000B

OPERATION_GROUP, JOB_GROUP, END, PRINTER_GROUP = 0x01, 0x02, 0x03, 0x04
INTEGER, BOOLEAN, ENUM = 0x21, 0x22, 0x23
TEXT, NAME, KEYWORD, URI, CHARSET, LANGUAGE, MIME = 0x41, 0x42, 0x44, 0x45, 0x47, 0x48, 0x49
STRING_TAGS = {0x30, 0x35, 0x36, TEXT, NAME, KEYWORD, URI, 0x46, CHARSET, LANGUAGE, MIME}

PRINTER_IDLE, PRINTER_PROCESSING, PRINTER_STOPPED = 3, 4, 5
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9

Value = int | bool | str | bytes
Attributes = dict[str, list[Value]]


@dataclass
class IppResponse:
    """A decoded response: status code and the attribute groups (one dict per group)."""

    status: int
    request_id: int
    groups: list[tuple[int, Attributes]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status < 0x0100

    def first(self, tag: int) -> Attributes:
        return next((attrs for group, attrs in self.groups if group == tag), {})

    def all(self, tag: int) -> list[Attributes]:
        return [attrs for group, attrs in self.groups if group == tag]

    def message(self) -> str:
        values = self.first(OPERATION_GROUP).get("status-message", [])
        return str(values[0]) if values else f"IPP status 0x{self.status:04x}"


def _attr(tag: int, name: str, value: Value) -> bytes:
    if isinstance(value, bool):
        raw = b"\x01" if value else b"\x00"
    elif isinstance(value, int):
        raw = struct.pack(">i", value)
    elif isinstance(value, str):
        raw = value.encode("utf-8")
    else:
        raw = value
    encoded = name.encode("ascii")
    return struct.pack(">bh", tag, len(encoded)) + encoded + struct.pack(">h", len(raw)) + raw


def encode_request(
    operation: int,
    request_id: int,
    printer_uri: str,
    attributes: list[tuple[int, str, Value | list[Value]]] = (),  # type: ignore[assignment]
    document: bytes = b"",
    user: str = "packdesk",
) -> bytes:
    """An IPP request in the operation group: charset, language, printer-uri, user, then extras."""
    out = bytearray(struct.pack(">bbhi", 2, 0, operation, request_id))
    out.append(OPERATION_GROUP)
    out += _attr(CHARSET, "attributes-charset", "utf-8")
    out += _attr(LANGUAGE, "attributes-natural-language", "en")
    out += _attr(URI, "printer-uri", printer_uri)
    out += _attr(NAME, "requesting-user-name", user)
    for tag, name, value in attributes:
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            out += _attr(tag, name if index == 0 else "", item)  # additional values: empty name
    out.append(END)
    return bytes(out) + document


def decode_response(data: bytes) -> IppResponse:
    """Parse an IPP response; raises ValueError on a truncated or malformed message."""
    if len(data) < 9:
        raise ValueError("IPP response too short")
    _, _, status, request_id = struct.unpack(">bbhi", data[:8])
    response = IppResponse(status, request_id)
    i = 8
    current: Attributes | None = None
    last = ""
    while i < len(data):
        tag = data[i]
        i += 1
        if tag == END:
            break
        if tag < 0x10:  # a new group
            current = {}
            response.groups.append((tag, current))
            continue
        if current is None or i + 2 > len(data):
            raise ValueError("IPP attribute outside a group")
        name_len = struct.unpack(">h", data[i : i + 2])[0]
        name = data[i + 2 : i + 2 + name_len].decode("utf-8", "replace")
        i += 2 + name_len
        value_len = struct.unpack(">h", data[i : i + 2])[0]
        raw = data[i + 2 : i + 2 + value_len]
        i += 2 + value_len
        if len(raw) != value_len:
            raise ValueError("IPP value truncated")
        value: Value
        if tag in (INTEGER, ENUM) and value_len == 4:
            value = struct.unpack(">i", raw)[0]
        elif tag == BOOLEAN and value_len == 1:
            value = raw != b"\x00"
        elif tag in STRING_TAGS:
            value = raw.decode("utf-8", "replace")
        else:
            value = raw
        if name:
            last = name
            current.setdefault(name, []).append(value)
        else:
            current.setdefault(last, []).append(value)
    return response
