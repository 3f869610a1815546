from django.db import migrations


def install(apps, schema_editor):
    """Add cannabis resin and synthetic cathinones (the taxonomy install is idempotent)."""
    from liaison.crime import taxonomy

    taxonomy.install(
        apps.get_model("crime", "Drug"),
        apps.get_model("crime", "ConversionTable"),
        apps.get_model("crime", "ConversionFactor"),
    )


class Migration(migrations.Migration):
    dependencies = [("crime", "0005_drug_name_ru")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
