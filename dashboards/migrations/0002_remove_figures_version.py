from django.db import migrations


class Migration(migrations.Migration):
    """The figures' cache is keyed by `socialvalue.DataVersion` now, shared with every other
    cache of computed pages."""

    dependencies = [
        ("dashboards", "0001_figures_version"),
        ("socialvalue", "0001_data_version"),
    ]

    operations = [migrations.DeleteModel(name="FiguresVersion")]
