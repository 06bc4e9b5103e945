"""Engine results (Arrow, as the embedded binding returns them) in the shape of Databend's HTTP
query protocol: `schema` as Databend type names, every value a string or null.

Value forms follow what Databend's HTTP handler sends and databend-driver parses (bendsql,
sql/src/value.rs): booleans "1"/"0", timestamps `YYYY-MM-DD HH:MM:SS.ffffff`, dates `YYYY-MM-DD`,
VARIANT as JSON text, nested values in Databend's literal syntax.
"""

import datetime
import decimal
import math

import pyarrow as pa

from jsonb import to_json_text


def _is_variant(field: pa.Field) -> bool:
    meta = field.metadata or {}
    return meta.get(b"Extension") == b"Variant"


def type_name(dtype: pa.DataType, nullable: bool, variant: bool = False) -> str:
    name = _base_type_name(dtype, variant)
    return f"Nullable({name})" if nullable and name != "Null" else name


def _base_type_name(t: pa.DataType, variant: bool) -> str:
    if variant:
        return "Variant"
    if pa.types.is_null(t):
        return "Null"
    if pa.types.is_boolean(t):
        return "Boolean"
    for check, name in (
        (pa.types.is_int8, "Int8"),
        (pa.types.is_int16, "Int16"),
        (pa.types.is_int32, "Int32"),
        (pa.types.is_int64, "Int64"),
        (pa.types.is_uint8, "UInt8"),
        (pa.types.is_uint16, "UInt16"),
        (pa.types.is_uint32, "UInt32"),
        (pa.types.is_uint64, "UInt64"),
        (pa.types.is_float32, "Float32"),
        (pa.types.is_float64, "Float64"),
    ):
        if check(t):
            return name
    if pa.types.is_decimal(t):
        return f"Decimal({t.precision}, {t.scale})"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "String"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return "Binary"
    if pa.types.is_timestamp(t):
        return "Timestamp"
    if pa.types.is_date(t):
        return "Date"
    if pa.types.is_map(t):
        return f"Map({_child(t.key_field)}, {_child(t.item_field)})"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"Array({_child(t.value_field)})"
    if pa.types.is_struct(t):
        return "Tuple(" + ", ".join(_child(t.field(i)) for i in range(t.num_fields)) + ")"
    return "String"


def _child(field: pa.Field) -> str:
    return type_name(field.type, field.nullable, _is_variant(field))


def schema_of(schema: pa.Schema) -> list:
    return [{"name": f.name, "type": type_name(f.type, f.nullable, _is_variant(f))} for f in schema]


def _float(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def _quoted(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _text(v, t: pa.DataType, variant: bool, nested: bool) -> str:
    """One non-null value; `nested` values inside arrays, maps and tuples quote their strings."""
    if variant:
        return to_json_text(v)
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return _float(v)
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex().upper()
    if isinstance(v, str):
        return _quoted(v) if nested else v
    if pa.types.is_map(t):
        items = ", ".join(
            f"{_nested(k, t.key_field)}:{_nested(x, t.item_field)}" for k, x in v
        )
        return "{" + items + "}"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "[" + ",".join(_nested(x, t.value_field) for x in v) + "]"
    if pa.types.is_struct(t):
        fields = [t.field(i) for i in range(t.num_fields)]
        return "(" + ",".join(_nested(v[f.name], f) for f in fields) + ")"
    return str(v)


def _nested(v, field: pa.Field) -> str:
    if v is None:
        return "NULL"
    return _text(v, field.type, _is_variant(field), True)


def rows_of(table: pa.Table) -> list:
    columns = []
    for field, column in zip(table.schema, table.columns):
        variant = _is_variant(field)
        values = column.to_pylist()
        columns.append([None if v is None else _text(v, field.type, variant, False) for v in values])
    return [list(row) for row in zip(*columns)] if columns else []
