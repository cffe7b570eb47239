"""Sources of items: one module per backend, found through the registry by config `type`."""

from __future__ import annotations

import importlib

from ingestor.configsource import SourceConfig
from ingestor.errors import SourceError
from ingestor.sources.base import REGISTRY, Source

_MODULES = {
    "imap": "ingestor.sources.imap",
    "maildir": "ingestor.sources.maildir",
    "mbox": "ingestor.sources.mbox",
    "caldav": "ingestor.sources.caldav",
    "ics": "ingestor.sources.ics",
}


def make_source(cfg: SourceConfig) -> Source:
    module = _MODULES.get(cfg.type)
    if module is None:
        raise SourceError(cfg.name, f"unknown source type {cfg.type!r}")
    try:
        importlib.import_module(module)
    except ModuleNotFoundError:
        raise SourceError(
            cfg.name, f"source type {cfg.type!r} is not available in this build"
        ) from None
    return REGISTRY[cfg.type](cfg)
