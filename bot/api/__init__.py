"""The open API: an HTTP server for other systems (HR, ERP, OA), run by ``deskmate run`` when the
config's ``api:`` section enables it. Skills serve operations with :meth:`bot.Skill.api` and get an
:class:`ApiContext`; the server itself (FastAPI on uvicorn) is :mod:`bot.api.server`."""

from bot.api.context import ApiContext, Caller

__all__ = ["ApiContext", "Caller"]
