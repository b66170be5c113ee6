"""Input validation against JSON Schema (draft 2020-12), with translated messages keyed by field.

Query strings arrive as text; ``coerce_query`` turns each parameter into the type its schema declares first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError

from core.web.params import MAX_DB_INTEGER

FieldErrors = dict[str, list[str]]
_INTEGER = re.compile(r"^[+-]?\d{1,19}$")  # the schema bounds it (bound_integers)


#: Text a database stores: no NUL, written into every string schema that has no pattern of its own, so that the
#: OpenAPI document says so (issue 11 F7: "allowed characters"). Lone surrogates are refused too (text_errors), but a
#: pattern cannot name them portably (ECMA and Rust regexes have no surrogates), and JSON (RFC 8259) leaves them
#: undefined anyway.
STORABLE_TEXT = "^[^\\x00]*$"
#: White space as Python's str.strip() sees it, spelled out: ``\\s`` means other sets in ECMA and Rust regexes.
WHITESPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
#: Storable text with at least one character that is not white space (services strip what they are given).
SOME_TEXT = f"^[^\\x00]*[^{WHITESPACE}\\x00][^\\x00]*$"


def storable(schema: Any) -> Any:
    """A copy of ``schema`` that refuses what no database column holds, as the endpoints refuse it:

    - every integer without bounds is bounded to a 64-bit column (a 20-digit id passed the schema, then
      overflowed the driver: issue 11 F6);
    - every string without a pattern, format or choices gets STORABLE_TEXT (NUL, lone surrogates).

    Done once for every endpoint's query and body, so the refusal is a 422 and the document tells the truth."""
    if isinstance(schema, list):
        return [storable(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    bounded = {key: storable(value) if key not in ("enum", "const", "default", "examples") else value
               for key, value in schema.items()}
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds:
        if "minimum" not in schema and "exclusiveMinimum" not in schema:
            bounded["minimum"] = -MAX_DB_INTEGER
        if "maximum" not in schema and "exclusiveMaximum" not in schema:
            bounded["maximum"] = MAX_DB_INTEGER
    if "string" in kinds and not {"pattern", "format", "enum", "const"} & set(schema):
        bounded["pattern"] = STORABLE_TEXT
    return bounded


#: The former name (integers were bounded first).
bound_integers = storable


def check_schema(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator for ``schema``; raises at declaration time if the schema itself is invalid."""
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _type_name(kind: Any) -> str:
    names = {
        "string": _("text"), "integer": _("a whole number"), "number": _("a number"),
        "boolean": _("true or false"), "object": _("an object"), "array": _("a list"), "null": _("null"),
    }
    kinds = kind if isinstance(kind, list) else [kind]
    return _(" or ").join(names.get(k, str(k)) for k in kinds)


def _message(error: SchemaError) -> str:
    value = error.validator_value
    match error.validator:
        case "type":
            return _("Must be %(type)s.", type=_type_name(value))
        case "minLength":
            return _("This field must not be empty.") if value == 1 else _("At least %(n)d characters.", n=value)
        case "maxLength":
            return _("At most %(n)d characters.", n=value)
        case "minimum":
            return _("Must be at least %(n)s.", n=value)
        case "maximum":
            return _("Must be at most %(n)s.", n=value)
        case "exclusiveMinimum":
            return _("Must be greater than %(n)s.", n=value)
        case "exclusiveMaximum":
            return _("Must be less than %(n)s.", n=value)
        case "enum":
            return _("Must be one of: %(choices)s.", choices=", ".join(str(v) for v in value))
        case "const":
            return _("Must be %(value)s.", value=value)
        case "pattern":
            return _("The format is not valid.")
        case "format":
            return _("Must be a valid %(format)s.", format=value)
        case "minItems":
            return _("At least %(n)d items.", n=value)
        case "maxItems":
            return _("At most %(n)d items.", n=value)
        case "uniqueItems":
            return _("Items must not repeat.")
    return _("This value is not valid.")


def _field(path: Any) -> str:
    return ".".join(str(part) for part in path)


def validate(validator: Draft202012Validator, data: Any) -> FieldErrors:
    """{field path: [messages]} for everything wrong in ``data``; empty when it is valid."""
    errors: FieldErrors = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        base = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    errors.setdefault(_field([*base, name]), []).append(_("This field is required."))
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for name in error.instance:
                if name not in allowed:
                    errors.setdefault(_field([*base, name]), []).append(_("Unknown field."))
        else:
            errors.setdefault(_field(base) or "_body", []).append(_message(error))
    return errors


def _coerce(raw: str, kind: Any) -> Any:
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds and _INTEGER.match(raw):
        return int(raw)
    if "number" in kinds:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    if "boolean" in kinds and raw.lower() in ("true", "false", "1", "0"):
        return raw.lower() in ("true", "1")
    return raw  # left as text: the type check then says what was expected


def coerce_query(schema: Mapping[str, Any], args: Any) -> dict[str, Any]:
    """The declared parameters found in ``args`` (a MultiDict), typed as their schemas say."""
    values: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        if name not in args:
            continue
        if prop.get("type") == "array":
            item_type = prop.get("items", {}).get("type", "string")
            values[name] = [_coerce(v, item_type) for v in args.getlist(name)]
        else:
            values[name] = _coerce(args.get(name, ""), prop.get("type", "string"))
    return values


def text_errors(data: Any, path: tuple[Any, ...] = ()) -> FieldErrors:
    """Strings no database can store (NUL characters, lone surrogates): refused as input errors, not left to fail
    in the database as a server error."""
    errors: FieldErrors = {}
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            bad = True
        else:
            bad = "\x00" in data
        if bad:
            errors[_field(path) or "_body"] = [_("Contains characters that are not allowed.")]
    elif isinstance(data, Mapping):
        for key, value in data.items():
            errors.update(text_errors(str(key), (*path, key)))
            errors.update(text_errors(value, (*path, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            errors.update(text_errors(value, (*path, index)))
    return errors
