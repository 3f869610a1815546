from django.urls import path

from liaison.web import linkchart, timeline, views
from liaison.web import map as map_views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map/", map_views.map_page, name="map"),
    path("map/provinces.geojson", map_views.map_provinces, name="map_provinces"),
    path("map/layers.json", map_views.map_layers, name="map_layers"),
    path("links/", linkchart.linkchart_page, name="linkchart"),
    path("links/expand.json", linkchart.linkchart_expand, name="linkchart_expand"),
    path("links/start.json", linkchart.linkchart_start, name="linkchart_start"),
    path("timeline/<slug:kind>/<uuid:uuid>/", timeline.timeline, name="timeline"),
]
