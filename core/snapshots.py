"""User snapshots: the fields a cached answer carries, and a fresh user rebuilt from them per request.

A snapshot is plain data (primary key, username, e-mail, names, the active and privilege flags);
the password hash and every other field stay out and load from the database on access. Rebuilding
is laid out once per snapshot (`PreparedUser`), then each `build()` is a new model instance whose
attribute values are copied from immutable values, so no two requests ever share a mutable object.
"""

import copy
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

# Fields a cached snapshot carries beside the primary key and the username.
SNAPSHOT_FIELDS = ("email", "first_name", "last_name", "is_active", "is_staff", "is_superuser")
# Values a built user may share with its snapshot: no one can change them in place.
IMMUTABLE = (str, int, float, bool, type(None))


def snapshot(user: Any) -> dict[str, Any]:
    """Return what `PreparedUser` needs to rebuild the user without a database query."""
    fields = [user._meta.pk.attname, user.USERNAME_FIELD, *SNAPSHOT_FIELDS]
    return {name: getattr(user, name) for name in dict.fromkeys(fields) if hasattr(user, name)}


class PreparedUser:
    """A snapshot laid out for the user model once; `build()` returns a new user on every call.

    Unsnapshotted fields are deferred: they load on access and a `save()` never writes them.
    """

    __slots__ = ("_fast", "_fields", "_model", "_names", "_values")

    def __init__(self, data: dict[str, Any]) -> None:
        self._model, self._names = _layout(tuple(data))
        self._values = tuple(data[name] for name in self._names)
        self._fields = dict(zip(self._names, self._values, strict=True))  # copied, never handed out
        # Decided once per snapshot (receivers connect at start-up, not per request).
        self._fast = all(isinstance(value, IMMUTABLE) for value in self._values) and not (
            pre_init.has_listeners(self._model) or post_init.has_listeners(self._model)
        )

    def build(self) -> Any:
        """Return a new user instance of the snapshot (no database query)."""
        model = self._model
        if not self._fast:
            # Model.__init__ runs what init listeners expect; values are copied so none is shared.
            return model.from_db("default", self._names, copy.deepcopy(list(self._values)))
        user = model.__new__(model)
        user.__dict__.update(self._fields)
        state = user._state = ModelState()
        state.adding, state.db = False, "default"
        return user


@cache
def _layout(keys: tuple[str, ...]) -> tuple[Any, list[str]]:
    """Return the user model and the snapshot's field names in the model's field order."""
    model = get_user_model()
    return model, [f.attname for f in model._meta.concrete_fields if f.attname in keys]
