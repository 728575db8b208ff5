"""Published links on a record (an objective's evidence, a proposal's sources): a few
(title, web address) pairs, as numbered form fields, and written by the record's service."""

from collections.abc import Callable, Iterable

from django import forms

from .history import as_user


def link_initial(links: Iterable, slots: int) -> dict[str, str]:
    """The form's initial values for the first `slots` links."""
    initial = {}
    for slot, link in enumerate(list(links)[:slots], start=1):
        initial[f"link_{slot}_title"] = link.title
        initial[f"link_{slot}_url"] = link.url
    return initial


class LinkSlotsMixin:
    """`link_slots` optional links on a form, each a title and a web address: call
    `add_link_fields()` in `__init__`; a title without its address is an error; `pop_links`
    takes them out of the cleaned data as (title, url) pairs for the service."""

    link_slots = 3
    link_title_label = "title"

    def add_link_fields(self) -> None:
        for slot in range(1, self.link_slots + 1):
            self.fields[f"link_{slot}_title"] = forms.CharField(
                label=f"Link {slot}: {self.link_title_label} (optional)",
                required=False,
                max_length=200,
            )
            self.fields[f"link_{slot}_url"] = forms.URLField(
                label=f"Link {slot}: web address (optional)",
                required=False,
                max_length=500,
                assume_scheme="https",
                error_messages={"invalid": "Enter a web address, like https://example.org/report"},
            )

    def clean(self):
        cleaned = super().clean()
        for slot in range(1, self.link_slots + 1):
            title, url = cleaned.get(f"link_{slot}_title"), cleaned.get(f"link_{slot}_url")
            if title and not url and f"link_{slot}_url" not in self.errors:
                self.add_error(f"link_{slot}_url", f"Enter the web address for link {slot}")
        return cleaned

    def pop_links(self, data: dict) -> list[tuple[str, str]]:
        links = []
        for slot in range(1, self.link_slots + 1):
            title, url = data.pop(f"link_{slot}_title", ""), data.pop(f"link_{slot}_url", "")
            if url:
                links.append((title, url))
        return links


def wanted_links(links: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (title, url) pairs given, trimmed, without those that have no address."""
    return [(t.strip(), u.strip()) for t, u in links if u and u.strip()]


def replace_links(existing: Iterable, links: Iterable[tuple[str, str]], *, by, make: Callable):
    """Make a record's links the ones given: delete those no longer wanted, add the new ones
    (`make(title, url)` builds one; an untitled link is titled by its address), each
    validated and recorded in the history as `by`'s. Call inside the service's transaction."""
    wanted = wanted_links(links)
    held = {(link.title, link.url): link for link in existing}
    for key, link in held.items():
        if key not in wanted:
            as_user(link, by).delete()
    for title, url in wanted:
        if (title, url) not in held:
            link = make(title or url, url)
            link.full_clean()
            as_user(link, by).save()
