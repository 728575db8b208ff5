"""Where an objective came from: the community proposals and consultations behind it.

The community-voice app depends on objectives, so it registers a provider here rather than
objectives importing it. A provider takes an objective and returns `Origin`s to show.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    kind: str  # "Community proposal", "Consultation", ...
    title: str
    url: str
    detail: str = ""


OriginProvider = Callable[[object, object], list[Origin]]
_providers: list[OriginProvider] = []


def register_origin_provider(provider: OriginProvider) -> OriginProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def origins_of(objective, user) -> list[Origin]:
    found: list[Origin] = []
    for provider in _providers:
        found.extend(provider(objective, user))
    return found
