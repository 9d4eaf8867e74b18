"""Counts the calls a request makes to the shared caches (each one a round
trip to Redis in production), as ``CaptureQueriesContext`` counts queries.

The calls counted are the backends' primitive operations (``get``,
``get_many``, ``set``…); ``get_or_set`` is counted as the ``get`` (and
``add``) it makes, and a ``get_many`` as one call whatever the number of keys,
as Redis answers it in one round trip. The per-process fragment cache in
front of Redis (``kalanso.generation``) is not a cache call.
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import caches

PRIMITIVES = (
    "get",
    "get_many",
    "set",
    "set_many",
    "add",
    "delete",
    "delete_many",
    "incr",
    "decr",
    "touch",
    "has_key",
    "clear",
)

_local = threading.local()
_patched: set[type] = set()
_lock = threading.Lock()


def _recorders() -> list:
    stack = getattr(_local, "recorders", None)
    if stack is None:
        stack = _local.recorders = []
    return stack


def _wrap(name, method):
    def counted(self, *args, **kwargs):
        depth = getattr(_local, "depth", 0)
        if depth == 0:
            key = args[0] if args else kwargs.get("key", kwargs.get("keys"))
            for recorder in _recorders():
                recorder.append((name, key))
        _local.depth = depth + 1
        try:
            return method(self, *args, **kwargs)
        finally:
            _local.depth = depth

    counted.__wrapped__ = method
    counted.__name__ = name
    return counted


def install() -> None:
    """Count the calls of every configured cache's backend from now on (the
    counting itself only happens inside :func:`count_cache_calls`)."""
    with _lock:
        for alias in settings.CACHES:
            backend = type(caches[alias])
            if backend in _patched:
                continue
            for name in PRIMITIVES:
                method = getattr(backend, name, None)
                if method is not None:
                    setattr(backend, name, _wrap(name, method))
            _patched.add(backend)


@contextmanager
def count_cache_calls():
    """Yields the list of ``(operation, key)`` of the cache calls made inside."""
    install()
    calls: list = []
    _recorders().append(calls)
    try:
        yield calls
    finally:
        _recorders().remove(calls)
