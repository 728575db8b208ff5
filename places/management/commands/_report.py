"""What the geography import commands share: options, errors and the carrying report."""

from django.core.management.base import CommandError


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def place_option(model, slug: str | None, *, required: bool):
    if not slug:
        if required:
            raise CommandError("Give the place with --place SLUG")
        return None
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise CommandError(f'There is no place with the slug "{slug}"') from None


def fail_with_errors(command, report) -> None:
    """Print each error and stop with a non-zero status, if the import found any."""
    if not report.errors:
        return
    for error in report.errors:
        command.stderr.write(str(error))
    summary = "Nothing was imported"
    if report.rows and report.rejected:
        rows = "row was" if report.rejected == 1 else "rows were"
        summary += f": {report.rejected} of {report.rows} {rows} rejected"
    raise CommandError(f"{summary}. Fix the file and try again.")


def write_carried(command, notes) -> None:
    carried = [note for note in notes if note.carried]
    left = [note for note in notes if not note.carried]
    if carried:
        command.stdout.write(f"Carried to successors: {plural(len(carried), 'record')}:")
        for note in carried:
            command.stdout.write(f"  {note}")
    if left:
        command.stdout.write(
            command.style.WARNING(f"Could not carry {plural(len(left), 'record')}:")
        )
        for note in left:
            command.stdout.write(f"  {note}")


def read_file(path: str, importer, **kwargs):
    """Open the file as bytes and run the importer on it; a file that cannot be read is a
    CommandError, not a traceback."""
    try:
        with open(path, "rb") as file_obj:
            return importer(file_obj, **kwargs)
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}") from None


def finish(command, report, *, dry_run: bool) -> None:
    """The notes, then whether anything was saved."""
    for note in report.notes:
        command.stdout.write(note)
    if dry_run:
        command.stdout.write(command.style.WARNING("Dry run: nothing was saved."))
    else:
        command.stdout.write(command.style.SUCCESS("Import complete."))
