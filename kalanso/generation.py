"""The publication generation, and the fragments cached under it.

Cached pages and fragments (whole pages for anonymous visitors, routes,
course outlines, breadcrumbs…) carry the generation in their cache key.
Every change to what the site shows (publish, scheduled publish, unpublish,
move, delete, revert, a translation sync: ``kalanso.home.signals``) replaces
it with a new random token, so every process stops using what it cached.

The generation must therefore be shared by every process that serves the
site or publishes (gunicorn workers, ``manage.py publish_scheduled`` from
cron): in Redis when the site has one (``REDIS_URL``), otherwise in a small
file (``KALANSO_GENERATION_FILE``) that every process on the machine reads.
A per-process cache (local memory) never holds it.

It is read once per request (``GenerationMiddleware``), together with the
few per-request keys registered with :func:`read_ahead` (one round trip).
:func:`cached_fragment` keeps fragments in a small per-process cache in
front of Redis, keyed by the generation: a warm worker then asks Redis for
nothing but the generation (and the session).

Only the cache and the file are used here, so page models may import this
module while the apps are loading.
"""

import contextvars
import os
import pickle
import secrets
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "kalanso:page-cache-generation"

# What the current request read: {"generation": token, "ahead": {key: value}}.
_request_state: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "kalanso_generation_request", default=None
)


# --- Where the generation lives ---------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(8)


def _generation_file() -> Path | None:
    path = getattr(settings, "KALANSO_GENERATION_FILE", "")
    return Path(path) if path else None


def _read_file(path: Path) -> str:
    try:
        with open(path, encoding="ascii") as handle:
            token = handle.read().strip()
    except FileNotFoundError:
        token = ""
    return token or _write_file(path)


def _write_file(path: Path) -> str:
    """A new token, written atomically: readers see the old file or the new."""
    token = _new_token()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".generation-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(token)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return token


def _read_store(extra_keys=()) -> tuple[str, dict]:
    """The generation and the values of ``extra_keys`` (one cache round trip)."""
    path = _generation_file()
    if path is not None:
        token = _read_file(path)
        return token, (cache.get_many(list(extra_keys)) if extra_keys else {})
    values = cache.get_many([GENERATION_KEY, *extra_keys])
    token = values.pop(GENERATION_KEY, None)
    if token is None:  # first read ever, or the key was evicted: a new one
        token = _new_token()
        if not cache.add(GENERATION_KEY, token, timeout=None):
            token = cache.get(GENERATION_KEY) or token
    return str(token), values


def _bump_store() -> str:
    path = _generation_file()
    if path is not None:
        return _write_file(path)
    token = _new_token()
    cache.set(GENERATION_KEY, token, timeout=None)
    return token


# --- Reading and bumping ------------------------------------------------------------

# Functions returning the extra cache keys to fetch with the generation for
# a request (e.g. the reader's navigation links), see read_ahead().
_read_ahead: list[Callable] = []


def read_ahead(function: Callable) -> Callable:
    """Register ``function(request) -> list of cache keys``: those keys are
    fetched in the same round trip as the generation, once per request, and
    :func:`read_ahead_value` returns them."""
    _read_ahead.append(function)
    return function


def page_cache_generation() -> str:
    """The current generation: read once per request, afresh outside one."""
    state = _request_state.get()
    if state is None:
        return _read_store()[0]
    if "generation" not in state:
        request = state.get("request")
        keys = []
        if request is not None:
            for function in _read_ahead:
                keys.extend(function(request))
        state["generation"], state["ahead"] = _read_store(keys)
        state["ahead_keys"] = set(keys)
    return state["generation"]


_MISSING = object()


def read_ahead_value(key, default=_MISSING):
    """The value read ahead for ``key`` in this request: ``default`` when the
    key was not read ahead (the caller then asks the cache itself), ``None``
    when it was and the cache had nothing."""
    state = _request_state.get()
    if state is None or key not in state.get("ahead_keys", ()):
        return default
    return state["ahead"].get(key)


def invalidate_page_cache() -> None:
    """Make every cached page and fragment stale, in every process.

    Inside a transaction the generation changes now and again once it is
    committed: a process that rendered the old content in between cached it
    under a generation that is then dropped."""
    _set_request_generation(_bump_store())
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _set_request_generation(_bump_store()))


def _set_request_generation(token: str) -> None:
    state = _request_state.get()
    if state is not None:
        state["generation"] = token


class GenerationMiddleware:
    """Reads the generation at most once per request (first in the chain),
    when something first needs it, with the read-ahead keys."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_state.set({"request": request})
        try:
            return self.get_response(request)
        finally:
            _request_state.reset(token)


# --- Fragments: a per-process cache in front of the shared one --------------------


class _LocalFragments:
    """Pickled fragments of one generation, in this process. Entries of older
    generations are dropped as soon as a request sees a new one."""

    def __init__(self, max_entries=2000):
        self.lock = threading.Lock()
        self.generation = None
        self.entries: dict[str, bytes] = {}
        self.max_entries = max_entries

    def get(self, generation, key):
        with self.lock:
            if generation != self.generation:
                self.generation, self.entries = generation, {}
                return None
            data = self.entries.get(key)
        return None if data is None else pickle.loads(data)  # noqa: S301 - our own

    def set(self, generation, key, value):
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        with self.lock:
            if generation != self.generation:
                self.generation, self.entries = generation, {}
            if len(self.entries) >= self.max_entries:
                self.entries.clear()
            self.entries[key] = data


_local = _LocalFragments()


def _local_enabled() -> bool:
    return getattr(settings, "KALANSO_LOCAL_FRAGMENT_CACHE", False)


def cached_fragment(key: str, compute: Callable, timeout=None):
    """``compute()``'s value, cached until the next publication, in the
    shared cache and (with Redis) in this process. When ``compute`` returns
    None, nothing is stored. ``key`` names the fragment; the generation is
    added."""
    generation = page_cache_generation()
    full_key = f"{key}:g{generation}"
    local = _local_enabled()
    if local:
        value = _local.get(generation, full_key)
        if value is not None:
            return value
    value = cache.get(full_key)
    if value is None:
        value = compute()
        if value is None:
            return None
        cache.set(
            full_key,
            value,
            settings.FRAGMENT_CACHE_SECONDS if timeout is None else timeout,
        )
    if local:
        _local.set(generation, full_key, value)
    return value


def cached_fragments(keys: dict, compute_many: Callable, timeout=None) -> dict:
    """Several fragments at once: ``keys`` maps each item to its fragment's
    name; the result maps each item to its value. What neither this process
    nor the shared cache holds is computed by ``compute_many(items)`` (a dict
    item -> value, in a fixed number of queries whatever the number of items)
    and stored; items it leaves out or maps to None are absent from the
    result. One shared-cache round trip to read, one to write."""
    if not keys:
        return {}
    generation = page_cache_generation()
    full = {item: f"{name}:g{generation}" for item, name in keys.items()}
    local = _local_enabled()
    values = {}
    if local:
        for item, full_key in full.items():
            value = _local.get(generation, full_key)
            if value is not None:
                values[item] = value
    wanted = [item for item in full if item not in values]
    if wanted:
        found = cache.get_many([full[item] for item in wanted])
        missing = []
        for item in wanted:
            value = found.get(full[item])
            if value is None:
                missing.append(item)
            else:
                values[item] = value
                if local:
                    _local.set(generation, full[item], value)
        if missing:
            computed = {
                item: value
                for item, value in compute_many(missing).items()
                if value is not None and item in full
            }
            if computed:
                cache.set_many(
                    {full[item]: value for item, value in computed.items()},
                    settings.FRAGMENT_CACHE_SECONDS if timeout is None else timeout,
                )
                if local:
                    for item, value in computed.items():
                        _local.set(generation, full[item], value)
            values.update(computed)
    return values


def clear_local_fragments() -> None:
    """Forget this process's fragments (tests)."""
    with _local.lock:
        _local.generation, _local.entries = None, {}
