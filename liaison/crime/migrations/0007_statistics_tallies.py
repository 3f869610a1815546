"""The statistics tallies (``crime.tallies``), counted from the records already held."""

import django.db.models.deletion
from django.db import migrations, models


def count_records(apps, schema_editor):
    from liaison.crime import tallies

    tallies.rebuild(
        apps.get_model("crime", "DrugCase"),
        apps.get_model("crime", "Person"),
        apps.get_model("crime", "Seizure"),
        apps.get_model("crime", "Tally"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_token_expiry_and_scope'),
        ('crime', '0006_drugs_resin_cathinones'),
    ]

    operations = [
        migrations.CreateModel(
            name='Tally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('case', 'Case'), ('defendant', 'Defendant'), ('seizure', 'Seizure')], max_length=9)),
                ('span', models.CharField(choices=[('D', 'Day'), ('M', 'Month'), ('Y', 'Year')], max_length=1)),
                ('start', models.DateField()),
                ('drug', models.CharField(blank=True, max_length=40)),
                ('unit', models.CharField(blank=True, max_length=8)),
                ('nationality', models.CharField(blank=True, max_length=2)),
                ('n', models.BigIntegerField(default=0)),
                ('quantity', models.BigIntegerField(default=0)),
                ('owner_unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.unit')),
                ('province', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.province')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'province', 'span', 'start', 'owner_unit', 'drug', 'unit', 'nationality'), name='crime_tally_cell')],
            },
        ),
        migrations.RunPython(count_records, migrations.RunPython.noop),
    ]
