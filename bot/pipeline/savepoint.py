"""A handler's savepoint, begun only when the handler reaches the session.

In a group commit each handler runs in a savepoint of its own, so one that fails undoes only its
own work. Most of a savepoint's cost is the ORM's bookkeeping, not the ``SAVEPOINT`` statement
(which SQLAlchemy emits only with the first statement inside it): a handler that only answers
(``/echo``, ``/help``) never touches the session, has nothing to undo, and gets none. The context
calls :meth:`LazySavepoint.begin` the first time the handler reads ``ctx.session`` (every
``Context`` method that reads or writes goes through it).
"""

from __future__ import annotations

from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel.ext.asyncio.session import AsyncSession


class LazySavepoint:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._nested: SessionTransaction | None = None

    async def ready(self) -> None:
        """Before the handler runs: write what is pending, so that beginning the savepoint
        (which flushes first) never needs the database."""
        session = self.session
        if session.new or session.dirty or session.deleted:
            await session.flush()

    def begin(self) -> None:
        if self._nested is None:
            self._nested = self.session.sync_session.begin_nested()

    async def end(self, failed: BaseException | None = None) -> None:
        """Release the savepoint, or (``failed``) roll the handler's work back, as leaving
        ``async with session.begin_nested()`` would; nothing to do if it never began."""
        nested, self._nested = self._nested, None
        if nested is None:
            return

        def finish(_session: Session) -> None:
            if failed is None:
                nested.__exit__(None, None, None)
            else:
                nested.__exit__(type(failed), failed, failed.__traceback__)

        await self.session.run_sync(finish)
