"""A task as the store returns it, once for every layer: a row of `tasks` (task.id,
task.title, ... as on the model) with task.project, its project's name or None; or stored
values read the same way (a trashed task's, a row repaired with stand-ins)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy import Row


class StoredRow:
    """Values read like a row: by attribute, and as `_mapping`."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._mapping = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_mapping"][name]
        except KeyError:
            raise AttributeError(name) from None


TaskRow: TypeAlias = "Row[Any] | StoredRow"
