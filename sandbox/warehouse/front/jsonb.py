"""Databend's JSONB value encoding (VARIANT columns) to JSON text.

The embedded engine hands VARIANT values over as the engine's own binary JSONB bytes (an Arrow
large_binary field tagged `Extension: Variant`); Databend's HTTP handler answers with JSON text, so
the front decodes them. Layout, from the `jsonb` crate Databend uses (databendlabs/jsonb,
src/constants.rs and src/functions.rs): big-endian u32 words; a container header carries its kind
in the top 3 bits and its element count below; each element has a u32 entry (type in the top 4
bits, data length below); an object lists all key entries, then all value entries, then key bytes,
then value bytes; numbers start with a tag byte (int, uint or float) followed by big-endian bytes.
"""

import json
import struct

_ARRAY = 0x80000000
_OBJECT = 0x40000000
_SCALAR = 0x20000000
_HEADER_KIND = 0xE0000000
_HEADER_LEN = 0x1FFFFFFF

_NULL = 0x00000000
_STRING = 0x10000000
_NUMBER = 0x20000000
_FALSE = 0x30000000
_TRUE = 0x40000000
_CONTAINER = 0x50000000
_ENTRY_TYPE = 0x70000000
_ENTRY_LEN = 0x0FFFFFFF


def _number(data: bytes):
    tag = data[0]
    body = data[1:]
    if tag == 0x00:
        return 0
    if tag == 0x10:
        return float("nan")
    if tag == 0x20:
        return float("inf")
    if tag == 0x30:
        return float("-inf")
    if tag == 0x40:
        return int.from_bytes(body, "big", signed=True)
    if tag == 0x50:
        return int.from_bytes(body, "big", signed=False)
    if tag == 0x60:
        return struct.unpack(">d", body)[0]
    raise ValueError(f"unknown JSONB number tag {tag:#x}")


def _scalar(entry: int, data: bytes):
    kind = entry & _ENTRY_TYPE
    if kind == _NULL:
        return None
    if kind == _STRING:
        return data.decode("utf-8")
    if kind == _NUMBER:
        return _number(data)
    if kind == _FALSE:
        return False
    if kind == _TRUE:
        return True
    if kind == _CONTAINER:
        return _container(data, 0)
    raise ValueError(f"unknown JSONB entry type {kind:#x}")


def _container(buf: bytes, pos: int):
    (header,) = struct.unpack_from(">I", buf, pos)
    kind = header & _HEADER_KIND
    count = header & _HEADER_LEN
    pos += 4
    if kind == _SCALAR:
        (entry,) = struct.unpack_from(">I", buf, pos)
        length = entry & _ENTRY_LEN
        return _scalar(entry, buf[pos + 4 : pos + 4 + length])
    entries_count = count * 2 if kind == _OBJECT else count
    entries = struct.unpack_from(f">{entries_count}I", buf, pos)
    pos += 4 * entries_count
    values = []
    for entry in entries:
        length = entry & _ENTRY_LEN
        values.append(_scalar(entry, buf[pos : pos + length]))
        pos += length
    if kind == _ARRAY:
        return values
    if kind == _OBJECT:
        return dict(zip(values[:count], values[count:]))
    raise ValueError(f"unknown JSONB container kind {kind:#x}")


def to_json_text(value: bytes) -> str:
    decoded = _container(value, 0)
    # Databend prints NaN and infinities as the bare words; json.dumps would too (NaN, Infinity).
    return json.dumps(decoded, ensure_ascii=False, separators=(",", ":"))
