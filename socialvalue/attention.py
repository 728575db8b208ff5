"""What needs each person's attention, for the home page.

Apps register providers (the home page must not import every app). A provider takes the user
and returns `Attention` items, each a count with a sentence and a link; it should cost a fixed
number of queries (one count each, through `capped_count`), whatever the data.
"""

from collections.abc import Callable
from dataclasses import dataclass

# Counts on the home page stop here ("1,000 or more"): the lists they link to give the exact
# number. Counting a county's whole backlog on every visit to the home page would cost more
# than the rest of the page.
CAP = 1000


def capped_count(queryset) -> int:
    """How many rows, up to `CAP`: the database stops looking once it has found that many.
    Unordered: a model's default ordering would make it sort every row first."""
    return queryset.order_by().values("pk")[:CAP].count()


@dataclass(frozen=True)
class Attention:
    count: int
    singular: str
    plural: str
    url: str

    @property
    def text(self) -> str:
        return counted(self.count, self.singular, self.plural)


def counted(count: int, singular: str, plural: str) -> str:
    """A `capped_count` in words: "1 return due", "12 returns due", "1,000 or more returns
    due"."""
    if count >= CAP:
        return f"{CAP:,} or more {plural}"
    return f"{count:,} {singular if count == 1 else plural}"


Provider = Callable[[object], list[Attention]]
_providers: list[Provider] = []


def register_attention_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def attention_for(user) -> list[Attention]:
    items: list[Attention] = []
    for provider in _providers:
        items.extend(item for item in provider(user) if item.count)
    return items


# What else the signed-in home page shows (a person's organisations, say): each app that has
# something registers a function of the user returning template context.
_home_sections: list[Callable[[object], dict]] = []


def register_home_section(section: Callable[[object], dict]) -> Callable[[object], dict]:
    if section not in _home_sections:
        _home_sections.append(section)
    return section


def home_context(user) -> dict:
    """The registered sections' context for the signed-in home page, then `attention`."""
    context: dict = {}
    for section in _home_sections:
        context.update(section(user))
    context["attention"] = attention_for(user)
    return context


def queue_attention(user, queues) -> list[Attention]:
    """An `Attention` for each of `queues`, `(queryset_for(user), singular, plural, url)`: the
    count of the queryset the linked list shows, so the two agree."""
    if not user.is_authenticated:
        return []
    return [
        Attention(capped_count(queryset_for(user)), singular, plural, url)
        for queryset_for, singular, plural, url in queues
    ]
