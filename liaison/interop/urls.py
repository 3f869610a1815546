"""TAXII 2.1 under /taxii2/ (read-only), and the JSON schemas of Liaison's STIX extensions."""

from django.urls import path, re_path

from liaison.interop import views
from liaison.interop.taxii import API_ROOT

app_name = "interop"
_root = f"taxii2/{API_ROOT}/"
_collection = _root + "collections/<str:collection_id>/"
urlpatterns = [
    path("taxii2/", views.discovery, name="discovery"),
    path("taxii2/schemas/<str:name>", views.schema, name="schema"),
    path(_root, views.api_root, name="api_root"),
    path(_root + "status/<str:status_id>/", views.status, name="status"),
    path(_root + "collections/", views.collections, name="collections"),
    path(_collection, views.collection, name="collection"),
    path(_collection + "objects/", views.objects, name="objects"),
    path(_collection + "objects/<str:object_id>/", views.object_by_id, name="object"),
    path(
        _collection + "objects/<str:object_id>/versions/",
        views.object_versions,
        name="object_versions",
    ),
    path(_collection + "manifest/", views.manifest, name="manifest"),
    re_path(r"^taxii2/(?P<rest>.+)$", views.nowhere, name="nowhere"),
]
