"""The console adapter passes the adapter conformance kit, on its own in-memory platform."""

import pytest

from adapters.console import spec
from bot.testing.adapters import CHECKS, InMemoryPlatform, check_adapter


@pytest.mark.parametrize("check", CHECKS)
async def test_the_console_adapter_conforms(check, tmp_path):
    await check_adapter(check, InMemoryPlatform(spec), tmp_path)
