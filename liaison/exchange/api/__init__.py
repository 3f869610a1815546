"""REST API of the exchange app, one module per mechanism: :mod:`.peers` (/api/v1/peers) and
:mod:`.release` (/api/v1/releases…). Mounted under /api/v1/ as ``router``."""

from ninja import Router

from liaison.exchange.api import peers, release

router = Router(tags=["exchange"])
router.add_router("", peers.router)
router.add_router("", release.router)
