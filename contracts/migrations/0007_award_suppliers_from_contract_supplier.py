"""Every contract awarded before awards could name several suppliers keeps its supplier, as the
first (and only) supplier on its award. No value share is recorded: the award value is the
award's, and nothing here divides it."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Contract = apps.get_model("contracts", "Contract")
    AwardSupplier = apps.get_model("contracts", "AwardSupplier")
    rows = (
        Contract.objects.filter(supplier__isnull=False)
        .exclude(award_suppliers__organisation_id=F("supplier_id"))
        .values_list("pk", "supplier_id", "supplier__identifier")
    )
    batch = []
    for contract_id, supplier_id, identifier in rows.iterator(chunk_size=2000):
        batch.append(
            AwardSupplier(
                contract_id=contract_id,
                organisation_id=supplier_id,
                position=0,
                identifier=identifier or "",
            )
        )
        if len(batch) >= 2000:
            AwardSupplier.objects.bulk_create(batch)
            batch = []
    AwardSupplier.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    """Contract.supplier was kept throughout, so going back loses nothing: the extra suppliers
    of multi-supplier awards exist only in the table being removed."""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0006_award_suppliers_buyer_aliases_ocds_imports")]

    operations = [migrations.RunPython(forwards, backwards)]
