"""Pickling read-only mappings, so that a whole problem can be sent to worker processes.

The standard library refuses to pickle a ``MappingProxyType``; registered here, a proxy
travels as its items and arrives as a read-only view of a copy of them.
"""

import copyreg
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any


def read_only(items: dict[Any, Any]) -> Mapping[Any, Any]:
    """A read-only view of ``items`` (what an unpickled proxy is built by)."""
    return MappingProxyType(items)


def _reduced(proxy: Mapping[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return read_only, (dict(proxy),)


def pickle_read_only_mappings() -> None:
    """Let ``pickle`` send mapping proxies (idempotent; cloudpickle, as Dask's, can already)."""
    copyreg.pickle(MappingProxyType, _reduced)
