from django.db import migrations, models


def retire_previous_keys_now(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Keys rotated away from before retirement times were kept: retire them as of now."""
    from liaison.exchange.envelope import utc_stamp

    Peer = apps.get_model("exchange", "Peer")
    now = utc_stamp()
    for peer in Peer.objects.exclude(previous_keys=[]):
        peer.retired_keys = {key: now for key in peer.previous_keys if key != peer.public_key}
        peer.save(update_fields=["retired_keys"])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="peer",
            name="retired_keys",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="peer",
            name="revoked_keys",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(retire_previous_keys_now, migrations.RunPython.noop),
    ]
