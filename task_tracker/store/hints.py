"""Plan hints written once for both databases.

SQLite plans without statistics, and some pages are only fast when it is kept off an index
it would otherwise pick (tests/store/test_plans.py holds them to their budgets): writing a
column as `col || ''` or `col + 0` does that. `unindexed(col)` is that expression on SQLite
and the plain column on PostgreSQL, whose planner has statistics (and whose `||` would turn
a date or timestamp into text). It keeps the column's type, so values compared with it are
bound as for the column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class unindexed(FunctionElement[Any]):  # noqa: N801 (used like a SQL function)
    inherit_cache = True
    name = "unindexed"

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


def _column(element: unindexed) -> Any:
    return next(iter(element.clauses))


@compiles(unindexed)
def _plain(element: unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(_column(element), **kw)


@compiles(unindexed, "sqlite")
def _sqlite(element: unindexed, compiler: Any, **kw: Any) -> str:
    column = _column(element)
    sql = compiler.process(column, **kw)
    return f"({sql} + 0)" if isinstance(column.type, Integer) else f"({sql} || '')"
