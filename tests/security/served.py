"""Every URL the application serves, with the arguments that fill it from the seeded world.

`served_patterns()` walks the root resolver (Django's admin excepted: it has its own staff-only
login, checked separately), so a new URL appears here without anyone listing it. `KWARGS` says
which record of the world each URL is asked about; `url_for(name, world)` builds the path.
"""

import importlib
from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver, reverse

EXCLUDED_PREFIXES = ("admin/",)


@dataclass(frozen=True)
class Served:
    name: str
    route: str
    view_class: type | None
    methods: tuple[str, ...]

    @property
    def accepts_post(self) -> bool:
        return "post" in self.methods


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            view_class = getattr(pattern.callback, "view_class", None)
            methods = tuple(getattr(view_class, "http_method_names", ("get", "post")))
            yield Served(name or route, route, view_class, methods)


def served_patterns() -> list[Served]:
    return list(_walk(get_resolver().url_patterns))


# Which record each URL is about. URLs with no arguments are left out.
KWARGS = {
    "notifications:open": lambda w: {"pk": w.notification.pk},
    "people:password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "not-a-token"},
    "people:invitation_accept": lambda w: {"token": w.invitation_token},
    "people:register_confirm": lambda w: {"token": "not-a-token"},
    "people:organisation_update": lambda w: {"slug": w.council.slug},
    "people:organisation_detail": lambda w: {"slug": w.council.slug},
    "people:invitation_create": lambda w: {"slug": w.council.slug},
    # The supplier, whose size it declared itself.
    "people:organisation_status_confirm": lambda w: {"slug": w.supplier.slug},
    "people:membership_end": lambda w: {"slug": w.council.slug, "pk": w.officer_membership.pk},
    "places:place_detail": lambda w: {"slug": w.place.slug},
    "places:area_create": lambda w: {"slug": w.place.slug},
    "places:area_update": lambda w: {"slug": w.place.slug, "pk": w.ward.pk},
    "places:area_archive": lambda w: {"slug": w.place.slug, "pk": w.neighbourhood.pk},
    "places:area_detail": lambda w: {"pk": w.ward.pk},
    # The draft objective: only its lead organisation (and leaders of the place) see it.
    "objectives:objective_detail": lambda w: {"pk": w.draft_objective.pk},
    "objectives:objective_update": lambda w: {"pk": w.draft_objective.pk},
    "objectives:objective_status": lambda w: {"pk": w.draft_objective.pk},
    "objectives:target_create": lambda w: {"pk": w.draft_objective.pk},
    "objectives:target_update": lambda w: {
        "pk": w.draft_objective.pk,
        "target_pk": w.draft_target.pk,
    },
    "objectives:target_archive": lambda w: {
        "pk": w.draft_objective.pk,
        "target_pk": w.draft_target.pk,
    },
    "objectives:framework_detail": lambda w: {"pk": w.framework.pk},
    "objectives:framework_export": lambda w: {"pk": w.framework.pk},
    "objectives:framework_retire": lambda w: {"pk": w.framework.pk},
    "objectives:theme_create": lambda w: {"pk": w.framework.pk},
    "objectives:outcome_create": lambda w: {"pk": w.framework.pk},
    "objectives:measure_create": lambda w: {"pk": w.framework.pk},
    "objectives:measure_update": lambda w: {"pk": w.measure.pk},
    "objectives:measure_retire": lambda w: {"pk": w.measure.pk},
    # Proposals: the draft (private to its group), the submitted one, the one under review.
    "consultations:proposal_detail": lambda w: {"pk": w.draft_proposal.pk},
    "consultations:proposal_update": lambda w: {"pk": w.draft_proposal.pk},
    "consultations:proposal_submit": lambda w: {"pk": w.draft_proposal.pk},
    "consultations:proposal_file": lambda w: {
        "pk": w.draft_proposal.pk,
        "file_pk": w.proposal_file.pk,
    },
    "consultations:proposal_file_remove": lambda w: {
        "pk": w.draft_proposal.pk,
        "file_pk": w.proposal_file.pk,
    },
    "consultations:proposal_withdraw": lambda w: {"pk": w.proposal.pk},
    "consultations:proposal_start_review": lambda w: {"pk": w.proposal.pk},
    "consultations:proposal_note": lambda w: {"pk": w.proposal.pk},
    "consultations:proposal_hide": lambda w: {"pk": w.proposal.pk},
    "consultations:proposal_unhide": lambda w: {"pk": w.hidden_proposal.pk},
    "consultations:proposal_support": lambda w: {"pk": w.proposal.pk},
    "consultations:proposal_support_withdraw": lambda w: {"pk": w.proposal.pk},
    "consultations:comment_create": lambda w: {"pk": w.proposal.pk},
    "consultations:comment_reply": lambda w: {"pk": w.proposal.pk, "comment_pk": w.question.pk},
    "consultations:comment_hide": lambda w: {"pk": w.proposal.pk, "comment_pk": w.question.pk},
    "consultations:proposal_accept": lambda w: {"pk": w.reviewing.pk},
    "consultations:proposal_adopt": lambda w: {"pk": w.reviewing.pk},
    "consultations:proposal_attach": lambda w: {"pk": w.reviewing.pk},
    "consultations:proposal_merge": lambda w: {"pk": w.reviewing.pk},
    "consultations:proposal_decline": lambda w: {"pk": w.reviewing.pk},
    # Consultations: open, draft (unpublished) and closed.
    "consultations:consultation_detail": lambda w: {"pk": w.consultation.pk},
    "consultations:consultation_update": lambda w: {"pk": w.consultation.pk},
    "consultations:consultation_close": lambda w: {"pk": w.consultation.pk},
    "consultations:respond": lambda w: {"pk": w.consultation.pk},
    "consultations:responses_export": lambda w: {"pk": w.consultation.pk},
    "consultations:question_create": lambda w: {"pk": w.draft_consultation.pk},
    "consultations:question_remove": lambda w: {
        "pk": w.draft_consultation.pk,
        "question_pk": w.draft_question.pk,
    },
    "consultations:consultation_publish": lambda w: {"pk": w.draft_consultation.pk},
    "consultations:summary": lambda w: {"pk": w.closed_consultation.pk},
    "consultations:summary_edit": lambda w: {"pk": w.closed_consultation.pk},
    "consultations:summary_entry_create": lambda w: {"pk": w.closed_consultation.pk},
    "consultations:summary_entry_remove": lambda w: {
        "pk": w.closed_consultation.pk,
        "entry_pk": w.entry.pk,
    },
    "consultations:summary_publish": lambda w: {"pk": w.closed_consultation.pk},
    # Contracts: in planning, assessing (the officer's draft), waiting for sign-off (a
    # colleague's), and awarded with a commitment, a return and its evidence.
    "contracts:contract_detail": lambda w: {"pk": w.contract.pk},
    "contracts:contract_update": lambda w: {"pk": w.planning.pk},
    "contracts:contract_exemption": lambda w: {"pk": w.planning.pk},
    # A goods contract whose exemption a colleague of the officer proposed.
    "contracts:exemption_decide": lambda w: {"pk": w.exempting.pk},
    "contracts:procurement_start": lambda w: {"pk": w.planning.pk},
    "contracts:contract_advance": lambda w: {"pk": w.contract.pk},
    "contracts:contract_cancel": lambda w: {"pk": w.planning.pk},
    "contracts:assessment_start": lambda w: {"pk": w.planning.pk},
    "contracts:assessment_detail": lambda w: {"pk": w.assessing.pk, "version": 1},
    "contracts:assessment_check": lambda w: {"pk": w.assessing.pk, "version": 1},
    "contracts:assessment_section": lambda w: {
        "pk": w.assessing.pk,
        "version": 1,
        "section": "wellbeing",
    },
    "contracts:assessment_sign_off": lambda w: {"pk": w.signing.pk, "version": 1},
    "contracts:assessment_reopen": lambda w: {"pk": w.contract.pk, "version": 1},
    "contracts:contract_award": lambda w: {"pk": w.contract.pk},
    "contracts:subcontractor_create": lambda w: {"pk": w.contract.pk},
    "contracts:award_supplier_create": lambda w: {"pk": w.contract.pk},
    # OCDS imports: the officer's upload waiting for confirmation, and an imported one.
    "contracts:ocds_review": lambda w: {"pk": w.staged_upload.pk},
    "contracts:ocds_result": lambda w: {"pk": w.imported_upload.pk},
    "contracts:buyer_aliases": lambda w: {"slug": w.council.slug},
    "contracts:buyer_alias_remove": lambda w: {"slug": w.council.slug, "alias": w.alias.pk},
    "contracts:kpi_create": lambda w: {"pk": w.contract.pk},
    "contracts:contract_periods": lambda w: {"pk": w.contract.pk},
    "contracts:rating_create": lambda w: {"pk": w.contract.pk},
    "contracts:commitment_create": lambda w: {"pk": w.contract.pk},
    "contracts:commitment_detail": lambda w: {"pk": w.commitment.pk},
    "contracts:commitment_recovery": lambda w: {"pk": w.commitment.pk},
    "contracts:return_create": lambda w: {"pk": w.commitment.pk},
    "contracts:return_detail": lambda w: {"pk": w.delivery_return.pk},
    "contracts:return_verify": lambda w: {"pk": w.delivery_return.pk},
    "contracts:return_queue": lambda w: {"queue": "verify"},
    "contracts:return_query": lambda w: {"pk": w.delivery_return.pk},
    "contracts:return_reject": lambda w: {"pk": w.delivery_return.pk},
    "contracts:return_answer": lambda w: {"pk": w.delivery_return.pk},
    "contracts:return_confirm": lambda w: {"pk": w.delivery_return.pk},
    "contracts:evidence_download": lambda w: {"pk": w.evidence.pk},
    # The council's joint arrangement with the NHS body, which has not confirmed it yet.
    "contracts:arrangement_create": lambda w: {"slug": w.place.slug},
    "contracts:arrangement_update": lambda w: {"pk": w.arrangement.pk},
    "contracts:arrangement_end": lambda w: {"pk": w.arrangement.pk},
    "contracts:arrangement_answer": lambda w: {"pk": w.pending_member.pk},
    "contracts:threshold_set": lambda w: {"slug": w.council.slug},
    # The needs board: the group's published need, its draft, and the supplier's pledge.
    "needs:need_detail": lambda w: {"pk": w.need.pk},
    "needs:need_update": lambda w: {"pk": w.draft_need.pk},
    "needs:need_step": lambda w: {"pk": w.draft_need.pk, "step": "publish"},
    "needs:need_hide": lambda w: {"pk": w.need.pk},
    "needs:need_unhide": lambda w: {"pk": w.need.pk},
    "needs:need_file": lambda w: {"pk": w.need.pk, "file_pk": w.need_file.pk},
    "needs:pledge_create": lambda w: {"pk": w.need.pk},
    "needs:pledge_detail": lambda w: {"pk": w.pledge.pk},
    "needs:pledge_accept": lambda w: {"pk": w.pledge.pk},
    "needs:pledge_decline": lambda w: {"pk": w.pledge.pk},
    "needs:pledge_withdraw": lambda w: {"pk": w.pledge.pk},
    "needs:pledge_receipt": lambda w: {"pk": w.pledge.pk},
    "needs:pledge_receipt_file": lambda w: {"pk": w.pledge.pk},
    "dashboards:transparency": lambda w: {"slug": w.place.slug},
    "dashboards:commitments_csv": lambda w: {"slug": w.place.slug},
    "dashboards:ocds": lambda w: {"slug": w.place.slug},
    "publishing:file": lambda w: {"slug": w.place.slug, "name": "commitments.csv"},
    "dashboards:ocds_extension": lambda w: {"name": "extension.json"},
}


def url_for(name: str, world) -> str:
    kwargs = KWARGS[name](world) if name in KWARGS else {}
    return reverse(name, kwargs=kwargs)


PROJECT_APPS = (
    "socialvalue",
    "people",
    "places",
    "objectives",
    "consultations",
    "contracts",
    "dashboards",
    "notifications",
    "publishing",
)


def form_modules_on_disk() -> list[str]:
    """The project's form modules (`forms.py`, `forms_*.py`, `forms/*.py` of each app)."""
    root = Path(__file__).resolve().parents[2]
    return sorted(
        ".".join(path.relative_to(root).with_suffix("").parts)
        for app in PROJECT_APPS
        for pattern in ("forms.py", "forms_*.py", "forms/*.py")
        for path in (root / app).glob(pattern)
        if path.name != "__init__.py"
    )


def project_form_classes() -> list[type]:
    """Every form class the project defines: the views import them, and every form module is
    imported too, so a form no page uses yet is not missed. The family tests (invisible
    characters, number and date fields, account enumeration) all read this one list."""
    from django import forms

    get_resolver().url_patterns  # imports every view, and so every form
    for module_name in form_modules_on_disk():
        importlib.import_module(module_name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                todo.append(subclass)
    return sorted(
        (f for f in seen if f.__module__.split(".")[0] in PROJECT_APPS),
        key=lambda f: f"{f.__module__}.{f.__name__}",
    )
