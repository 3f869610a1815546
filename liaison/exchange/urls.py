from django.urls import path

from liaison.exchange import federation, views

app_name = "exchange"
urlpatterns = [
    path("federation/v1/identity", federation.identity, name="fed_identity"),
    path("federation/v1/feed", federation.feed, name="fed_feed"),
    path("federation/v1/ping", federation.ping, name="fed_ping"),
    path("federation/v1/receipts", federation.receipts, name="fed_receipts"),
    path("exchange/peers/", views.peer_list, name="peer_list"),
    path("exchange/releases/", views.release_list, name="release_list"),
    path(
        "exchange/releases/new/<str:kind>/<uuid:record_uuid>/",
        views.release_new,
        name="release_new",
    ),
    path("exchange/releases/<int:pk>/approve/", views.release_approve, name="release_approve"),
    path("exchange/releases/<int:pk>/decline/", views.release_decline, name="release_decline"),
    path("exchange/releases/<int:pk>/withdraw/", views.release_withdraw, name="release_withdraw"),
    path(
        "exchange/records/<str:kind>/<uuid:record_uuid>/",
        views.record_delivery,
        name="record_delivery",
    ),
]
