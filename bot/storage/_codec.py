"""Frozen dataclasses to JSON and back, tolerant of fields added or removed since they were written.

The assistant owns ``Turn`` and will grow it (sources, index version…). A turn is stored as the
JSON of ``dataclasses.asdict``: a field added later with a default is filled in when an old row is
read, a field that no longer exists is ignored, enums are stored by value and tuples come back as
tuples. So a new field needs no migration, and a restart after an upgrade keeps every conversation.
"""

from __future__ import annotations

import dataclasses
import logging
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def to_json(value: Any) -> Any:
    """A JSON-ready copy: dataclasses as objects, enums by value, dates in ISO form."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return to_json(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def from_json(cls: type[T], data: Any) -> T:
    """Rebuild ``cls`` from what ``to_json`` wrote, with today's definition of ``cls``.

    Raises ``ValueError`` when a field without default is missing or a value does not fit.
    """
    return _convert(cls, data)  # type: ignore[no-any-return]


def from_json_list(cls: type[T], items: Any) -> tuple[T, ...]:
    """Every item that can be rebuilt; one unreadable item is logged and skipped, not fatal."""
    out: list[T] = []
    for item in items or ():
        try:
            out.append(from_json(cls, item))
        except (TypeError, ValueError, KeyError) as exc:
            log.warning("skipping a stored %s that no longer fits: %s", cls.__name__, exc)
    return tuple(out)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _convert(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any or tp is object:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value)
            except (TypeError, ValueError, KeyError) as exc:
                errors.append(str(exc))
        raise ValueError(f"{value!r} fits none of {tp}: {'; '.join(errors)}")
    if origin is typing.Literal:
        if value not in args:
            raise ValueError(f"{value!r} is not one of {args}")
        return value
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        if args:
            return tuple(_convert(a, v) for a, v in zip(args, value, strict=True))
        return tuple(value)
    if origin in (list, set, frozenset):
        return origin(_convert(args[0], v) for v in value) if args else origin(value)
    if origin is dict:
        return {k: _convert(args[1], v) for k, v in value.items()} if args else dict(value)
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            if not isinstance(value, dict):
                raise ValueError(f"expected an object for {tp.__name__}, got {type(value).__name__}")
            hints = _hints(tp)
            kwargs = {
                f.name: _convert(hints[f.name], value[f.name])
                for f in dataclasses.fields(tp)
                if f.init and f.name in value
            }
            return tp(**kwargs)
        if issubclass(tp, Enum):
            return tp(value)
        if issubclass(tp, datetime):
            return datetime.fromisoformat(value)
        if issubclass(tp, date):
            return date.fromisoformat(value)
        if tp is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, tp):
            raise ValueError(f"expected {tp.__name__}, got {type(value).__name__}")
    return value
