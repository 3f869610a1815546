from django.db import migrations, models


def install(apps, schema_editor):
    """Fill the Russian names (the taxonomy install is idempotent)."""
    from liaison.crime import taxonomy

    taxonomy.install(
        apps.get_model("crime", "Drug"),
        apps.get_model("crime", "ConversionTable"),
        apps.get_model("crime", "ConversionFactor"),
    )


class Migration(migrations.Migration):
    dependencies = [("crime", "0004_fewer_indexes")]

    operations = [
        migrations.AddField(
            model_name="drug",
            name="name_ru",
            field=models.CharField(default="", max_length=100, verbose_name="Russian name"),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
