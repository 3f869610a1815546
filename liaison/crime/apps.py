from django.apps import AppConfig


class CrimeConfig(AppConfig):
    name = "liaison.crime"
    label = "crime"
