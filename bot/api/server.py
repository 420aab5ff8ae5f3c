"""The open API's HTTP server: a FastAPI application built from the operations skills serve
(:meth:`bot.Skill.api`) and the core's own (:mod:`bot.api.core`), run by uvicorn inside the bot's
event loop on its own port. Each operation runs in one transaction: authenticated and scoped
first, then replayed if its ``Idempotency-Key`` was seen, else run, audited (writes) and
committed together with the notifications it causes, which the outbox then delivers."""

from __future__ import annotations

import asyncio
import inspect
import logging
import typing
from collections.abc import Callable, Iterable
from typing import Any

import uvicorn
from fastapi import Depends, FastAPI, Header, Request, Security
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from bot.api import idempotency
from bot.api.auth import ApiRefusal, Clients
from bot.api.context import ApiContext, Caller, Conflict
from bot.clock import Clock
from bot.config.api import ApiConfig
from bot.effects import Effects
from bot.errors import NotFound, PermissionDenied, UserError
from bot.i18n import Locale, Translator, normalize_language
from bot.job_context import Parts
from bot.skill import ApiSpec, Skill
from storage import Database

log = logging.getLogger(__name__)
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Problem(BaseModel):
    """An error: what was wrong and what is expected."""

    detail: str


REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No token, or an unknown one"},
    403: {"model": Problem, "description": "Outside the token's scopes or people"},
    429: {"model": Problem, "description": "Over the client's rate limit (see Retry-After)"},
}
bearer = HTTPBearer(auto_error=False, description="A client's token from the config")


class ApiServer:
    """Builds the application and serves it (``start``/``stop``); ``port`` is the bound one."""

    def __init__(
        self,
        config: ApiConfig,
        db: Database,
        clock: Clock,
        parts: Parts,
        translator: Translator,
        skills: Iterable[Skill],
        after_commit: Callable[[Effects], None],
    ) -> None:
        self.config = config
        self._db, self._clock, self._parts, self._translator = db, clock, parts, translator
        # the rate limits follow the bot's clock, as its timers do (a fake clock in tests)
        self._clients = Clients(config, now=lambda: clock.now().timestamp())
        self._after_commit = after_commit
        self.port = config.port
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.app = FastAPI(
            title="Deskmate API",
            version="1",
            description="Deskmate's directory, messages and applications, for other systems.",
        )
        self.app.add_exception_handler(ApiRefusal, _refused)  # type: ignore[arg-type]
        for skill in skills:
            for spec in skill.api_ops:
                self._add(spec, skill)

    # --- serving ------------------------------------------------------------------------------

    async def start(self) -> None:
        config = uvicorn.Config(
            self.app,
            host=self.config.host,
            port=self.config.port,
            log_config=None,
            lifespan="off",
            access_log=False,
        )
        server = uvicorn.Server(config)
        config.load()
        server.lifespan = config.lifespan_class(config)
        await server.startup()  # not serve(): the bot owns the loop and its signals
        if server.should_exit:
            raise OSError(f"api: cannot listen on {self.config.host}:{self.config.port}")
        sockets = [s for srv in server.servers for s in (srv.sockets or ())]
        self.port = int(sockets[0].getsockname()[1]) if sockets else self.config.port
        self._server = server
        self._task = asyncio.create_task(server.main_loop())
        log.info("api: listening on %s:%d", self.config.host, self.port)

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
        await self._server.shutdown()
        self._server = self._task = None

    # --- operations ---------------------------------------------------------------------------

    def _add(self, spec: ApiSpec, skill: Skill) -> None:
        hints = typing.get_type_hints(spec.func, include_extras=True)
        own = list(inspect.signature(spec.func).parameters.values())[1:]  # after ctx
        params = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints.get(p.name, Any))
            for p in own
        ]
        scope, clients = spec.scope, self._clients

        def authenticate(request: Request) -> Caller:
            remote = request.client.host if request.client is not None else None
            return clients.authenticate(request.headers.get("authorization"), scope, remote)

        def header(alias: str, text: str) -> Any:
            return Header(None, alias=alias, description=text)

        extra = [
            inspect.Parameter("dm_request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
            inspect.Parameter(
                "dm_caller",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Caller,
                default=Depends(authenticate, use_cache=False),
            ),
            inspect.Parameter(
                "dm_bearer",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Any,
                default=Security(bearer),
            ),
            inspect.Parameter(
                "dm_on_behalf_of",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=str | None,
                default=header("On-Behalf-Of", "The handle of the person this call acts for"),
            ),
        ]
        if spec.method in WRITES:
            extra.append(
                inspect.Parameter(
                    "dm_idempotency_key",
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=str | None,
                    default=header("Idempotency-Key", "Retried with the same key: done once"),
                )
            )

        async def endpoint(**kwargs: Any) -> Any:
            call = {k: kwargs.pop(k) for k in list(kwargs) if k.startswith("dm_")}
            return await self._run(spec, skill, call, kwargs)

        returns = hints.get("return")
        endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [*params, *extra], return_annotation=returns
        )
        endpoint.__name__ = f"{skill.name}_{spec.func.__name__}"
        responses = {**REFUSALS, 404: {"model": Problem, "description": "Not found"}}
        self.app.add_api_route(
            f"/v1{spec.path}",
            endpoint,
            methods=[spec.method],
            response_model=returns,
            status_code=spec.status,
            summary=spec.summary,
            tags=[skill.name],
            operation_id=endpoint.__name__,
            responses=responses,
            description=inspect.getdoc(spec.func) or "",
        )

    async def _run(
        self, spec: ApiSpec, skill: Skill, call: dict[str, Any], kwargs: dict[str, Any]
    ) -> JSONResponse:
        request: Request = call["dm_request"]
        caller: Caller = call["dm_caller"]
        key: str | None = call.get("dm_idempotency_key")
        if key is not None and not 0 < len(key) <= idempotency.MAX_KEY:
            return _problem(422, f"Idempotency-Key: 1 to {idempotency.MAX_KEY} characters")
        language = normalize_language(request.headers.get("accept-language", "en")[:2]) or "en"
        acting = call["dm_on_behalf_of"] or ""
        print_ = idempotency.fingerprint(
            spec.method, f"{request.url.path}?{request.url.query}#{acting}", await request.body()
        )
        effects = Effects()
        try:
            async with self._db.transaction() as session:
                if key is not None:
                    seen = await idempotency.earlier(session, caller.name, key)
                    if seen is not None:
                        return _again(seen, print_)
                person = await self._acting(session, skill, caller, call["dm_on_behalf_of"])
                ctx = ApiContext(
                    self._parts, session, skill, caller=caller, person=person, effects=effects
                )
                result = await spec.func(ctx, **kwargs)
                answer = idempotency.Answered(spec.status, jsonable_encoder(result))
                if spec.method in WRITES:
                    await ctx.audit(
                        f"api {spec.method} {spec.path}",
                        {"client": caller.name, "path": request.url.path, "key": key},
                    )
                    if key is not None:
                        now = self._clock.now()
                        idempotency.remember(session, caller.name, key, print_, answer, now)
        except UserError as error:
            status = 403 if isinstance(error, PermissionDenied) else 422
            status = 404 if isinstance(error, NotFound) else status
            status = 409 if isinstance(error, Conflict) else status
            return _problem(status, self._translator(error.text, Locale(language)))
        except IntegrityError:
            if key is None:
                raise
            async with self._db.transaction() as session:  # the same key, at the same time
                seen = await idempotency.earlier(session, caller.name, key)
            if seen is None:
                raise
            return _again(seen, print_)
        self._after_commit(effects)
        return JSONResponse(answer.body, status_code=answer.status)

    async def _acting(self, session: Any, skill: Skill, caller: Caller, handle: str | None) -> Any:
        if not handle:
            return None
        probe = ApiContext(
            self._parts, session, skill, caller=caller, person=None, effects=Effects()
        )
        return await probe.person_named(handle)


def _again(seen: Any, print_: str) -> JSONResponse:
    if seen.fingerprint != print_:
        return _problem(422, "Idempotency-Key was used for another request: use a new key")
    answer = idempotency.replay(seen)
    return JSONResponse(
        answer.body, status_code=answer.status, headers={"Idempotent-Replay": "true"}
    )


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


async def _refused(_request: Request, refusal: ApiRefusal) -> JSONResponse:
    return JSONResponse({"detail": refusal.detail}, refusal.status, headers=refusal.headers)
