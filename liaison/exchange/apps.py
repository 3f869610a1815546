from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "liaison.exchange"
    label = "exchange"
