"""What needs each person's attention, for the home page.

Apps register providers (the home page must not import every app). A provider takes the user
and returns `Attention` items, each a count with a sentence and a link; it should cost a fixed
number of queries (one count each), whatever the data.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Attention:
    count: int
    singular: str
    plural: str
    url: str

    @property
    def text(self) -> str:
        return f"{self.count} {self.singular if self.count == 1 else self.plural}"


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
