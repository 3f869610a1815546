from django.db import migrations


def install(apps, schema_editor):
    from liaison.crime import taxonomy

    taxonomy.install(
        apps.get_model("crime", "Drug"),
        apps.get_model("crime", "ConversionTable"),
        apps.get_model("crime", "ConversionFactor"),
    )


class Migration(migrations.Migration):
    dependencies = [("crime", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
