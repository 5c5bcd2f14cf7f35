"""Small helpers shared by the report selectors."""

from collections.abc import Iterable


def ids_or_nothing(ids: Iterable) -> list:
    """``ids`` as a list that is never empty. Django skips a query whose ``IN`` list is empty,
    which would make a page's query count depend on its data; ``[0]`` matches no row (ids start
    at 1) and keeps the count constant."""
    return [i for i in ids if i is not None] or [0]
