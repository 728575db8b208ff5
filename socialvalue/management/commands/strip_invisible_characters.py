"""Clean text stored before invisible control characters were refused (socialvalue.text)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from socialvalue.text import clean_line, clean_text, validate_line, validate_text


class Command(BaseCommand):
    help = (
        "Find names, titles and text stored with invisible control characters (such as a "
        "right-to-left override) and take them out, keeping each record and its history. "
        "With --dry-run, only say what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run=False, **options):
        changed = 0
        for model in apps.get_models():
            fields = {
                field.attname: clean_line if validate_line in field.validators else clean_text
                for field in model._meta.fields
                if validate_line in field.validators or validate_text in field.validators
            }
            # Historical records are the history itself: they keep what was stored, as it was.
            if not fields or any(f.name == "history_id" for f in model._meta.fields):
                continue
            for pk, *values in model._default_manager.values_list("pk", *fields).iterator(
                chunk_size=2000
            ):
                dirty = {
                    name: clean(value)
                    for (name, clean), value in zip(fields.items(), values, strict=True)
                    if isinstance(value, str) and clean(value) != value
                }
                if not dirty:
                    continue
                changed += 1
                self.stdout.write(f"{model._meta.label} {pk}: {', '.join(sorted(dirty))}")
                if not dry_run:
                    with transaction.atomic():
                        record = model._default_manager.select_for_update().get(pk=pk)
                        for name, value in dirty.items():
                            setattr(record, name, value)
                        record._change_reason = "Invisible control characters taken out"
                        record.save(update_fields=list(dirty))
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{changed} record{'s' if changed != 1 else ''} {verb}.")
