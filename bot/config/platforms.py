"""The platforms the config knows: those whose adapter is installed (entry-point group
``deskmate.adapters``). Each brings the model of its section (``adapters.<platform>``), its
default rate limits and an example chat id; the core names none of them."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from bot.config.models import AdapterSettings, PlatformLimits
from bot.errors import ConfigError

ENTRY_POINTS = "deskmate.adapters"


@runtime_checkable
class AdapterSchema(Protocol):
    """What the config needs of an adapter (:class:`bot.adapter.AdapterSpec` has it all)."""

    @property
    def platform(self) -> str: ...

    @property
    def config(self) -> type[AdapterSettings]: ...

    @property
    def rate_limits(self) -> PlatformLimits: ...

    @property
    def chat_example(self) -> str | None: ...


def installed_schemas() -> Mapping[str, AdapterSchema]:
    """Every installed adapter, by platform (read once per process)."""
    return _installed()


@cache
def _installed() -> Mapping[str, AdapterSchema]:
    found: dict[str, AdapterSchema] = {}
    for ep in entry_points(group=ENTRY_POINTS):
        spec = ep.load()
        if not isinstance(spec, AdapterSchema):
            raise ConfigError(
                [f"entry point {ep.name} = {ep.value} is not a deskmate adapter (an AdapterSpec)"]
            )
        found[spec.platform] = spec
    return MappingProxyType(found)
