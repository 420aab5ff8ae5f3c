"""The event path as steps, one module and one job each (see :mod:`bot.pipeline.steps`)."""

from bot.pipeline.steps import Pipeline as Pipeline
