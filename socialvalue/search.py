"""Site search over what apps register: objectives, proposals, consultations and contracts,
each as the person may see them.

Apps register a `Source` (the project package must not import every app): a name, the
queryset of records the person may see (the app's own `visible_to`/`listed_for`, so a record
the person may not open is never found), the text fields to search, and the field that
summarises a result. Anonymous people see only what is public.

On PostgreSQL the search is full text (`SearchVector` @@ `websearch` `SearchQuery`, in
English, ranked by `SearchRank`): "apprentices" finds "apprenticeship", and quoted phrases and
"-word" work. Elsewhere (SQLite) every word must appear in some field (`icontains`), most
recent first. No GIN index: a vector over several columns is computed per query, and an
expression index would have to repeat it exactly; at a county's scale (thousands of records
per type) the scan answers in milliseconds (see the report in issue 17).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

MAX_WORDS = 8
MAX_QUERY = 200


@dataclass(frozen=True)
class Source:
    name: str  # in the address: ?type=<name>
    label: str  # "Objectives"
    visible_to: Callable[[object], QuerySet]
    fields: tuple[str, ...]
    summary: str  # the field shown under a result's title
    newest_first: tuple[str, ...] = ("-pk",)
    public: bool = True  # False: nobody signed out may see any (not even listed for them)


_sources: dict[str, Source] = {}


def register_search_source(source: Source) -> Source:
    _sources[source.name] = source
    return source


def sources(user=None) -> list[Source]:
    """The registered sources, those with public records only for a person signed out."""
    order = ["objectives", "proposals", "consultations", "contracts"]
    found = sorted(
        _sources.values(),
        key=lambda s: order.index(s.name) if s.name in order else len(order),
    )
    if user is not None and not user.is_authenticated:
        found = [s for s in found if s.public]
    return found


def source(name: str, user=None) -> Source | None:
    return next((s for s in sources(user) if s.name == name), None)


def cleaned_query(text: str) -> str:
    """What is searched for: at most `MAX_QUERY` characters and `MAX_WORDS` words."""
    return " ".join(text[:MAX_QUERY].split()[:MAX_WORDS])


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def search(source: Source, user, text: str) -> QuerySet:
    """The records of `source` the person may see that match `text`, best first."""
    text = cleaned_query(text)
    queryset = source.visible_to(user)
    if not text:
        return queryset.none()
    if uses_full_text():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*source.fields, config="english")
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            queryset.annotate(search_text=vector, search_rank=SearchRank(vector, query))
            .filter(search_text=query)
            .order_by("-search_rank", *source.newest_first)
        )
    condition = Q()
    for word in text.split():
        any_field = Q()
        for field in source.fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return queryset.filter(condition).order_by(*source.newest_first)
