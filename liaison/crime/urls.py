from django.urls import path

from liaison.crime import views

app_name = "crime"
urlpatterns = [
    path("crime/import/", views.import_page, name="import"),
    # Named list pages (for the navigation, which links without arguments).
    *(
        path(f"crime/{slug}/", views.record_list, {"kind": slug}, name=slug.replace("-", "_"))
        for slug in views.KINDS_BY_SLUG
    ),
    path("crime/<slug:kind>/", views.record_list, name="list"),
    path("crime/<slug:kind>/new/", views.record_edit, name="create"),
    path("crime/<slug:kind>/<uuid:uuid>/", views.record_detail, name="detail"),
    path("crime/<slug:kind>/<uuid:uuid>/edit/", views.record_edit, name="edit"),
]
