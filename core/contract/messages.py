"""Turn jsonschema errors into short problems that name fields but never quote their values.

jsonschema's own messages repeat the offending instance, which may be a token: they are never used.
For an `anyOf` that fails (the envelope variants), the problems of the closest variant are reported.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from jsonschema.exceptions import ValidationError

# bool before int: True is an int to Python but a boolean to JSON.
_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
    (type(None), "null"),
)
_WANTED = {"object": "a JSON object", "array": "an array", "integer": "an integer", "null": "null"}


def problems(errors: Iterable[ValidationError]) -> list[str]:
    """Return one readable line per problem, sorted by where it is in the body."""
    return sorted({line for error in errors for line in _describe(error)})


def where(path: Sequence[str | int]) -> str:
    """Return a JSON path like `data.user.products[0]`, or `body` for the root."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return text.lstrip(".") or "body"


def json_type(value: Any) -> str:
    """Return the JSON type name of a parsed value."""
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), "unknown")


def _describe(error: ValidationError) -> list[str]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        return _alternatives(error)
    return [f"{where(error.absolute_path)}: {_explain(error)}"]


def _alternatives(error: ValidationError) -> list[str]:
    context = error.context or []
    branches: dict[int, list[ValidationError]] = {}
    for sub in context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    if all(_is_missing_key(sub, error) for sub in context):
        # Each branch names the keys it misses once; the branches are the alternatives.
        wanted = dict.fromkeys(", ".join(map(repr, _keys(subs))) for subs in branches.values())
        return [f"{where(error.absolute_path)}: missing {' or '.join(wanted)}"]
    index = min(branches, key=lambda i: (*_distance(branches[i]), i))
    title = error.schema.get(error.validator, [])[index].get("title")
    suffix = f" (closest allowed shape: {title})" if title else ""
    return [line + suffix for sub in branches[index] for line in _describe(sub)]


def _keys(errors: list[ValidationError]) -> list[str]:
    """Return the keys a branch misses, each once (jsonschema repeats them per error)."""
    required = (error for error in errors if error.validator == "required")
    return list(dict.fromkeys(key for error in required for key in _missing(error)))


def _distance(errors: list[ValidationError]) -> tuple[int, ...]:
    """Rank how far a branch is from the body: deeper failures first (the outer shape matched),
    then branches missing no key, then those whose required keys the body has more of, then
    the fewest problems (one per missing key)."""
    missing = _keys(errors)
    required = {
        key for error in errors if error.validator == "required" for key in error.validator_value
    }
    problems = len(missing) + sum(error.validator != "required" for error in errors)
    depth = max(map(_depth, errors))
    return (-depth, bool(missing), -(len(required) - len(missing)), problems)


def _is_missing_key(sub: ValidationError, parent: ValidationError) -> bool:
    return bool(sub.validator == "required" and sub.absolute_path == parent.absolute_path)


def _missing(error: ValidationError) -> list[str]:
    present = error.instance if isinstance(error.instance, dict) else {}
    return [key for key in error.validator_value if key not in present]


def _depth(error: ValidationError) -> int:
    return max([len(error.absolute_path), *(_depth(sub) for sub in error.context or [])])


def _explain(error: ValidationError) -> str:
    kind, expected, schema = error.validator, error.validator_value, error.schema
    title = schema.get("title") if isinstance(schema, dict) else None
    got = json_type(error.instance)
    if kind == "required":
        return f"missing {', '.join(repr(key) for key in _missing(error))}"
    if kind == "type":
        names = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(_WANTED.get(name, f"a {name}") for name in names)
        return f"must be {wanted} (got {got})"
    if kind == "const":
        return f"must be {_literal(expected)}"
    if kind == "enum":
        return f"must be one of {', '.join(_literal(value) for value in expected)}"
    if kind in ("pattern", "minLength", "format"):
        return f"must be {title or 'a well-formed string'}"
    return f"fails the contract's {kind!r} rule" + (f" ({title})" if title else "")


def _literal(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return repr(value)
