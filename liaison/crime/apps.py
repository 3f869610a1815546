from django.apps import AppConfig


class CrimeConfig(AppConfig):
    name = "liaison.crime"
    label = "crime"

    def ready(self) -> None:
        from liaison.crime import tallies

        tallies.connect()
