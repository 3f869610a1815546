from django.urls import path

from liaison.reports import views

app_name = "reports"
urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.<str:fmt>", views.export, name="export"),
]
