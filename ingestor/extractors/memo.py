"""A memo cache for pure extractors that keeps only small inputs.

The same header lines, signature blocks and contact lines come back with every message of a
correspondence, so caching them pays. Mail is hostile, though: a header line can be 40,000
characters, and an LRU cache of thousands of those would hold hundreds of megabytes. Inputs
over the size limit are computed each time and never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, update_wrapper
from typing import Any, Generic, ParamSpec, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")


class SmallInputCache(Generic[P, R]):
    def __init__(
        self, fn: Callable[P, R], maxsize: int, limit: int, size: Callable[[Any], int]
    ) -> None:
        self._fn = fn
        self._cached = cast(Callable[P, R], lru_cache(maxsize=maxsize)(fn))
        self._limit = limit
        self._size = size
        update_wrapper(self, fn)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        small = self._size(args[0]) <= self._limit
        return (self._cached if small else self._fn)(*args, **kwargs)

    def cache_clear(self) -> None:
        cast(Any, self._cached).cache_clear()

    def cache_info(self) -> Any:
        return cast(Any, self._cached).cache_info()


def cached_when_small(
    maxsize: int, limit: int, size: Callable[[Any], int]
) -> Callable[[Callable[P, R]], SmallInputCache[P, R]]:
    """Decorator: an LRU cache of `maxsize` entries for calls whose first argument has
    `size(arg)` ≤ `limit`."""

    def wrap(fn: Callable[P, R]) -> SmallInputCache[P, R]:
        return SmallInputCache(fn, maxsize, limit, size)

    return wrap
