from django.db import migrations, models


class Migration(migrations.Migration):
    """The contracts list's order (most recently updated first, then newest) read from an
    index, so a page is the first rows of an index scan instead of a sort of every visible
    contract. Needs the same index in `Contract.Meta.indexes`."""

    dependencies = [
        ("contracts", "0003_delivery_total"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contract",
            index=models.Index(fields=["-updated_at", "-id"], name="contract_recent_idx"),
        ),
    ]
