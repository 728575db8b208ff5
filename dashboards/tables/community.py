"""Tables of community voice: proposals by status, consultation responses by respondent type."""

from __future__ import annotations

from .. import figures
from .base import Column, Table


def proposals_table(data: figures.ProposalCounts) -> Table:
    table = Table(
        "proposals",
        "Community proposals by state",
        [Column("State"), Column("Proposals", True)],
        definition=figures.proposals_summary.definition,
    )
    table.rows = [[r.label, r.count] for r in data.by_status]
    return table


def responses_table(data: figures.ConsultationCounts) -> Table:
    table = Table(
        "responses",
        "Consultation responses by type of respondent",
        [Column("Respondent type"), Column("Responses", True)],
        definition=figures.consultations_summary.definition,
    )
    table.rows = [[r.label, r.count] for r in data.responses]
    return table
