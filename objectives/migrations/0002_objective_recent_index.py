from django.db import migrations, models


class Migration(migrations.Migration):
    """The register's default order (most recently updated first) read from an index."""

    dependencies = [
        ("objectives", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="objective",
            index=models.Index(fields=["-updated_at", "-id"], name="objective_recent_idx"),
        ),
    ]
