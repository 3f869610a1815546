from django.contrib import admin
from django.urls import include, path

from liaison.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("liaison.core.urls")),
    path("", include("liaison.web.urls")),
]
