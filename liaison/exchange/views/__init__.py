"""Web pages of the exchange app, one module per mechanism: :mod:`.peers` (the partner
nodes) and :mod:`.release` (releases and a record's sharing page). The node-to-node
endpoints are in :mod:`liaison.exchange.federation`."""
