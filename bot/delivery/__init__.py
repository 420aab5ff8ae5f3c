"""Delivery: the outbox every notification goes through, as three steps.

- :mod:`bot.delivery.plan`: what is due goes where (destinations, the delivery policies asked
  again with the platform's Do Not Disturb, held rows folded into digests);
- :mod:`bot.delivery.send`: each destination's parcels in order, within the rate limits;
- :mod:`bot.delivery.settle`: the bookkeeping (claims under a 6 s lease renewed every 1.5 s,
  sent marks, retries with back-off, failures with their reason).

:class:`Delivery` (:mod:`bot.delivery.outbox`) writes rows and runs the drains.
"""

from bot.delivery.outbox import Delivery
from bot.delivery.plan import JobContextFor
from bot.delivery.settle import BATCH, LEASE, WROTE

__all__ = ["BATCH", "LEASE", "WROTE", "Delivery", "JobContextFor"]
