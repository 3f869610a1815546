from django.urls import path

from liaison.exchange.federation import inbox as federation_inbox
from liaison.exchange.federation import outbox as federation_outbox
from liaison.exchange.federation import peers as federation_peers
from liaison.exchange.federation import receipts as federation_receipts
from liaison.exchange.views import peers, release

app_name = "exchange"
urlpatterns = [
    # node to node
    path("federation/v1/identity", federation_peers.identity, name="fed_identity"),
    path("federation/v1/feed", federation_outbox.feed, name="fed_feed"),
    path("federation/v1/ping", federation_inbox.ping, name="fed_ping"),
    path("federation/v1/receipts", federation_receipts.receipts, name="fed_receipts"),
    # web pages
    path("exchange/peers/", peers.peer_list, name="peer_list"),
    path("exchange/releases/", release.release_list, name="release_list"),
    path(
        "exchange/releases/new/<str:kind>/<uuid:record_uuid>/",
        release.release_new,
        name="release_new",
    ),
    path("exchange/releases/bulk/<str:kind>/", release.release_bulk, name="release_bulk"),
    path("exchange/releases/<int:pk>/approve/", release.release_approve, name="release_approve"),
    path("exchange/releases/<int:pk>/decline/", release.release_decline, name="release_decline"),
    path("exchange/releases/<int:pk>/withdraw/", release.release_withdraw, name="release_withdraw"),
    path(
        "exchange/records/<str:kind>/<uuid:record_uuid>/",
        release.record_delivery,
        name="record_delivery",
    ),
]
