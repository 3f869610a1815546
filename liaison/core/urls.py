from django.contrib.auth import views as auth_views
from django.urls import path

from liaison.core import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("password/", views.password_change, name="password_change"),
    path("sign-in/code/", views.second_factor_verify, name="second_factor_verify"),
    path("account/second-factor/", views.second_factor_setup, name="second_factor"),
    path("node/", views.node_info, name="node_info"),
    path("node/units/", views.unit_list, name="unit_list"),
    path("node/units/new/", views.unit_edit, name="unit_create"),
    path("node/units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("node/users/", views.user_list, name="user_list"),
    path("node/users/new/", views.user_edit, name="user_create"),
    path("node/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("node/users/<int:pk>/reset/", views.user_reset_password, name="user_reset_password"),
    path(
        "node/users/<int:pk>/reset-second-factor/",
        views.user_reset_second_factor,
        name="user_reset_second_factor",
    ),
]
