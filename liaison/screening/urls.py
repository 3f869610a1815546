from django.urls import path

from liaison.screening import views

app_name = "screening"
urlpatterns = [
    path("screening/search/", views.search, name="search"),
    path("screening/alerts/", views.alerts, name="alerts"),
    path("screening/alerts/<int:alert_id>/", views.alert_detail, name="alert"),
]
