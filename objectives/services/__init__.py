"""Every write to frameworks, objectives and targets: keyword-only, one transaction each,
validated by the models' own rules, with the acting person recorded in the history. One module
per family: `frameworks` (frameworks, themes, outcomes, measures), `framework_import` (a
framework's CSV file), `objectives` (objectives and their targets). `objectives.services`
names the objective and target writes, as before; the framework writes are in
`objectives.services.frameworks`."""

from .objectives import (
    activation_error,
    objective_change_status,
    objective_create,
    objective_update,
    target_add,
    target_archive,
    target_update,
)

__all__ = [
    "activation_error",
    "objective_change_status",
    "objective_create",
    "objective_update",
    "target_add",
    "target_archive",
    "target_update",
]
