from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "liaison.cooperation"
    label = "cooperation"
