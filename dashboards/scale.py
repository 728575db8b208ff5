"""County-scale generated data for benchmarks: a whole partnership, deterministic from a seed.

`generate(scale=1.0)` builds, at full scale: 5 public bodies, 1,000 areas (100 wards, 300
neighbourhoods, 600 LSOAs), 5,000 objectives with targets, 100,000 contracts across every stage
with their assessments, about 400,000 commitments and 2,000,000 delivery returns, 50,000
proposals with supports and answers, and 200 consultations with 500,000 responses. Smaller
scales shrink every count in proportion (tests use a tiny one).

Rows are written with `bulk_create` and explicit primary keys (so tree paths and links are
known without reading back), in batches, with progress printed as it goes. Generated rows have
no audit history: they were never edited by anyone. Everything is fictional, in a place called
"Scaleshire (generated)" with codes in ranges ONS has never issued.
"""

import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from consultations.models import (
    Answer,
    Comment,
    Consultation,
    Option,
    Proposal,
    Question,
    Response,
    Support,
)
from contracts.models import (
    Assessment,
    Commitment,
    Contract,
    DeliveryReturn,
    ReportingPeriod,
)
from contracts.services import quarters
from objectives.models import Framework, Measure, Objective, Outcome, Target, Theme
from people.models import Membership, Organisation, User
from places.models import Area, Place

BATCH = 5000
FULL = {
    "wards": 100,
    "neighbourhoods_per_ward": 3,
    "lsoas_per_neighbourhood": 2,
    "vcs_groups": 400,
    "suppliers": 3000,
    "residents": 3000,
    "objectives": 5000,
    "contracts": 100_000,
    "commitments_per_contract": 6,
    "returns_per_commitment": 6,  # about 2.1 million returns
    "proposals": 50_000,
    "consultations": 200,
    "responses": 500_000,
}


@dataclass
class Counter:
    """Explicit primary keys, continuing after what the table already holds."""

    next: int

    @classmethod
    def after(cls, model):
        return cls((model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1)

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


class Generator:
    def __init__(self, *, scale: float, seed: int, stdout=None):
        self.scale = scale
        self.random = random.Random(seed)  # noqa: S311 - deterministic test data, not secrets
        self.stdout = stdout
        self.started = time.monotonic()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def n(self, key: str, minimum: int = 1) -> int:
        return max(minimum, round(FULL[key] * self.scale))

    def say(self, message: str) -> None:
        if self.stdout:
            self.stdout.write(f"[{time.monotonic() - self.started:7.1f}s] {message}")
            self.stdout.flush()

    def save(self, model, rows: list) -> None:
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)

    # -----------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.place_and_areas()
            self.organisations_and_people()
            self.framework()
            self.objectives()
        self.contracts()
        self.delivery_totals()
        self.community()
        self.reset_sequences()
        self.analyse()
        self.say("Done")
        return self.counts

    def place_and_areas(self):
        suffix = Place.objects.filter(name__startswith="Scaleshire").count() + 1
        self.place = Place.objects.create(
            name=f"Scaleshire (generated {suffix})",
            slug=f"scaleshire-{suffix}",
            description="Generated for benchmarks. Fictional.",
        )
        ids = Counter.after(Area)
        areas, self.wards, self.neighbourhoods, lsoas = [], [], [], []
        width = Area.PATH_STEP
        for w in range(self.n("wards")):
            ward = Area(pk=ids.take(), place=self.place, kind="ward", name=f"Ward {w + 1}")
            ward.path = str(ward.pk).zfill(width)
            areas.append(ward)
            self.wards.append(ward)
            for n in range(FULL["neighbourhoods_per_ward"]):
                hood = Area(
                    pk=ids.take(),
                    place=self.place,
                    kind="neighbourhood",
                    name=f"Neighbourhood {w + 1}.{n + 1}",
                    parent_id=ward.pk,
                )
                hood.path = ward.path + str(hood.pk).zfill(width)
                areas.append(hood)
                self.neighbourhoods.append(hood)
                for s in range(FULL["lsoas_per_neighbourhood"]):
                    lsoa = Area(
                        pk=ids.take(),
                        place=self.place,
                        kind="lsoa",
                        name=f"LSOA {w + 1}.{n + 1}.{s + 1}",
                        parent_id=hood.pk,
                    )
                    lsoa.path = hood.path + str(lsoa.pk).zfill(width)
                    areas.append(lsoa)
                    lsoas.append(lsoa)
        self.save(Area, areas)
        self.say(f"{len(areas):,} areas")

    def organisations_and_people(self):
        tag = self.place.slug
        kinds = ["local_authority", "nhs", "police", "fire", "housing"]
        ids = Counter.after(Organisation)
        self.bodies = [
            Organisation(
                pk=ids.take(),
                name=f"{tag} {kind} body",
                slug=f"{tag}-{kind}",
                kind=kind,
                place=self.place,
            )
            for kind in kinds
        ]
        self.vcs = [
            Organisation(
                pk=ids.take(),
                name=f"{tag} community group {i}",
                slug=f"{tag}-vcs-{i}",
                kind="vcs",
                is_vcse=True,
            )
            for i in range(self.n("vcs_groups"))
        ]
        self.suppliers = [
            Organisation(
                pk=ids.take(),
                name=f"{tag} supplier {i}",
                slug=f"{tag}-supplier-{i}",
                kind="supplier",
                size=self.random.choice(["sme", "large"]),
                is_vcse=self.random.random() < 0.1,
            )
            for i in range(self.n("suppliers"))
        ]
        self.save(Organisation, self.bodies + self.vcs + self.suppliers)
        password = make_password("generated-not-for-sign-in")
        users = Counter.after(User)
        self.officer_of = {}
        memberships = []
        for body in self.bodies:
            for role in ("officer", "leader"):
                user = User(
                    pk=users.take(),
                    email=f"{role}.{body.slug}@generated.test",
                    full_name=f"{role.title()} of {body.name}",
                    password=password,
                )
                if role == "officer":
                    self.officer_of[body.pk] = user
                memberships.append((user, body, role))
        self.officers = list(self.officer_of.values())
        self.residents = [
            User(
                pk=users.take(),
                email=f"resident{i}.{tag}@generated.test",
                full_name=f"Resident {i}",
                password=password,
            )
            for i in range(self.n("residents"))
        ]

        def one_each(organisations, role: str, email: str, name: str) -> dict:
            """A person with `role` in each organisation, by the organisation's key."""
            people = {}
            for organisation in organisations:
                user = User(
                    pk=users.take(),
                    email=f"{email}.{organisation.slug}@generated.test",
                    full_name=f"{name} {organisation.name}",
                    password=password,
                )
                people[organisation.pk] = user
                memberships.append((user, organisation, role))
            return people

        self.vcs_members = one_each(self.vcs, "member", "member", "Member of")
        # Supplier contacts submit their contracts' delivery returns.
        self.supplier_contacts = one_each(
            self.suppliers, "supplier_contact", "contact", "Contact at"
        )
        all_users = [u for u, _o, _r in memberships] + self.residents
        self.save(User, all_users)
        self.save(
            Membership, [Membership(user=u, organisation=o, role=r) for u, o, r in memberships]
        )
        self.say(
            f"{len(self.bodies) + len(self.vcs) + len(self.suppliers):,} organisations, "
            f"{len(all_users):,} people"
        )

    def framework(self):
        self.framework_obj = Framework.objects.create(
            place=self.place, name="Generated outcomes", version="1"
        )
        self.outcomes, self.measures = [], []
        for t in range(5):
            theme = Theme.objects.create(
                framework=self.framework_obj, name=f"Theme {t + 1}", position=t
            )
            for o in range(4):
                outcome = Outcome.objects.create(
                    theme=theme,
                    framework=self.framework_obj,
                    name=f"Outcome {t + 1}.{o + 1}",
                    economic=o % 3 == 0,
                    social=o % 3 == 1,
                    environmental=o % 3 == 2,
                )
                self.outcomes.append(outcome)
                for m in range(3):
                    proxy = self.random.choice([None, Decimal("15"), Decimal("2500")])
                    self.measures.append(
                        Measure.objects.create(
                            outcome=outcome,
                            framework=self.framework_obj,
                            code=f"G{t + 1}{o + 1}{m + 1}",
                            name=f"Measure {t + 1}.{o + 1}.{m + 1}",
                            unit=self.random.choice(["people", "hours", "FTE", "tonnes CO2e"]),
                            proxy_value=proxy,
                            proxy_source="Generated, not a real valuation" if proxy else "",
                            proxy_year=2025 if proxy else None,
                        )
                    )
        self.measures_by_outcome = {}
        for m in self.measures:
            self.measures_by_outcome.setdefault(m.outcome_id, []).append(m)

    def objectives(self):
        ids = Counter.after(Objective)
        rows, links, targets = [], [], []
        through = Objective.areas.through
        statuses = ["active"] * 6 + ["draft", "achieved", "retired"]
        for i in range(self.n("objectives")):
            outcome = self.random.choice(self.outcomes)
            status = self.random.choice(statuses)
            objective = Objective(
                pk=ids.take(),
                place=self.place,
                title=f"Generated objective {i + 1}",
                description="Generated for benchmarks.",
                outcome=outcome,
                lead_organisation=self.random.choice(self.bodies),
                status=status,
                priority=self.random.choice(["high", "medium", "low"]),
                created_by=self.officers[0],
                economic=outcome.economic,
                social=outcome.social,
                environmental=outcome.environmental,
                activated_at=self.now if status != "draft" else None,
            )
            rows.append(objective)
            for area in self.random.sample(self.neighbourhoods, 2):
                links.append(through(objective_id=objective.pk, area_id=area.pk))
            for measure in self.measures_by_outcome[outcome.pk][:2]:
                targets.append(
                    Target(
                        objective_id=objective.pk,
                        measure=measure,
                        baseline=Decimal("0"),
                        baseline_date=self.today - datetime.timedelta(days=400),
                        target_quantity=Decimal(self.random.randint(10, 500)),
                        target_date=self.today + datetime.timedelta(days=700),
                    )
                )
        self.save(Objective, rows)
        self.save(through, links)
        self.save(Target, targets)
        self.active_objectives = [o for o in rows if o.status == "active"]
        self.say(f"{len(rows):,} objectives, {len(targets):,} targets")

    def contracts(self):
        stages = (
            ["planning"] * 10
            + ["assessing"] * 5
            + ["approved"] * 5
            + ["procurement_started"] * 10
            + ["awarded"] * 10
            + ["in_delivery"] * 50
            + ["closed"] * 8
            + ["cancelled"] * 2
        )
        order = Contract.ORDER
        total = self.n("contracts")
        contract_ids, assessment_ids = Counter.after(Contract), Counter.after(Assessment)
        commitment_ids, period_ids = Counter.after(Commitment), Counter.after(ReportingPeriod)
        chunk = 10_000
        for first in range(0, total, chunk):
            with transaction.atomic():
                self._contract_chunk(
                    range(first, min(total, first + chunk)),
                    stages,
                    order,
                    contract_ids,
                    assessment_ids,
                    commitment_ids,
                    period_ids,
                )
            self.say(
                f"{min(total, first + chunk):,} of {total:,} contracts, "
                f"{self.counts.get('contracts.DeliveryReturn', 0):,} returns"
            )

    def _contract_chunk(
        self, numbers, stages, order, contract_ids, assessment_ids, commitment_ids, period_ids
    ):
        contracts, assessments, periods, commitments, returns = [], [], [], [], []
        officer = self.officers[0]
        approver_pool = self.officers[1:] or self.officers
        per_contract = FULL["commitments_per_contract"]
        per_commitment = FULL["returns_per_commitment"]
        for i in numbers:
            stage = self.random.choice(stages)
            buyer = self.random.choice(self.bodies)
            value = Decimal(self.random.randint(20, 8000) * 1000)
            # Old enough that five quarters of delivery have started for most contracts.
            started = self.today - datetime.timedelta(days=self.random.randint(540, 900))
            reached = order.index(stage) if stage in order else order.index("procurement_started")
            contract = Contract(
                pk=contract_ids.take(),
                reference=f"G-{i + 1:06d}",
                title=f"Generated contract {i + 1}",
                buyer=buyer,
                place=self.place,
                category=self.random.choice(["services", "services", "mixed", "works"]),
                estimated_value=value,
                owner=officer,
                stage=stage,
                procurement_started_on=started if reached >= 3 else None,
                s1_compliance="not_started",
            )
            if stage == "cancelled":
                contract.cancelled_reason = "Generated."
            if reached >= 2:
                approved_at = self.now - datetime.timedelta(
                    days=(self.today - started).days + self.random.choice([30, 30, 30, -10])
                )
                assessments.append(
                    Assessment(
                        pk=assessment_ids.take(),
                        contract_id=contract.pk,
                        version=1,
                        status="approved",
                        author=officer,
                        approved_by=self.random.choice(approver_pool),
                        approved_at=approved_at,
                        submitted_at=approved_at,
                        completed_sections=Assessment.SECTION_KEYS,
                        weighting_percent=Decimal(self.random.choice([5, 10, 10, 15, 20])),
                        economic_relevant=True,
                        economic_how="Generated.",
                        social_relevant=True,
                        social_how="Generated.",
                        environmental_relevant=False,
                        environmental_how="Generated.",
                    )
                )
                if reached >= 3:
                    contract.s1_compliance = (
                        "compliant" if approved_at.date() <= started else "non_compliant"
                    )
            elif stage == "assessing":
                assessments.append(
                    Assessment(
                        pk=assessment_ids.take(),
                        contract_id=contract.pk,
                        version=1,
                        status="draft",
                        author=officer,
                    )
                )
            if reached >= 4:
                start = started + datetime.timedelta(days=60)
                contract.supplier = self.random.choice(self.suppliers)
                contract.award_value = value
                contract.awarded_on = started + datetime.timedelta(days=45)
                contract.contract_start = start
                contract.contract_end = start + datetime.timedelta(days=3 * 365)
                contract_periods = [
                    ReportingPeriod(pk=period_ids.take(), contract_id=contract.pk, start=s, end=e)
                    for s, e in quarters(start, contract.contract_end)
                ]
                periods.extend(contract_periods)
                started_periods = [p for p in contract_periods if p.end < self.today]
                for _ in range(per_contract):
                    objective = self.random.choice(self.active_objectives)
                    measure = self.random.choice(self.measures_by_outcome[objective.outcome_id])
                    quantity = Decimal(self.random.randint(5, 200))
                    commitment = Commitment(
                        pk=commitment_ids.take(),
                        contract_id=contract.pk,
                        delivered_by=contract.supplier,
                        measure=measure,
                        quantity=quantity,
                        area=self.random.choice(self.neighbourhoods),
                        objective=objective,
                        start_date=start,
                        due_date=contract.contract_end,
                        proxy_value=measure.proxy_value,
                        proxy_source=measure.proxy_source,
                        proxy_year=measure.proxy_year,
                    )
                    commitments.append(commitment)
                    if stage in ("in_delivery", "closed"):
                        for period in started_periods[:per_commitment]:
                            status = self.random.choice(
                                ["verified"] * 6 + ["submitted", "queried", "rejected"]
                            )
                            returns.append(
                                DeliveryReturn(
                                    commitment_id=commitment.pk,
                                    period_id=period.pk,
                                    quantity=Decimal(
                                        self.random.randint(0, int(quantity) // 4 + 1)
                                    ),
                                    evidence_text="Generated.",
                                    attested=True,
                                    status=status,
                                    submitted_by=self.supplier_contacts[contract.supplier.pk],
                                    submitted_at=self.now,
                                    decided_by=self.officer_of[buyer.pk]
                                    if status in ("verified", "rejected")
                                    else None,
                                    decided_at=self.now
                                    if status in ("verified", "rejected")
                                    else None,
                                )
                            )
            contracts.append(contract)
        self.save(Contract, contracts)
        self.save(Assessment, assessments)
        self.save(ReportingPeriod, periods)
        self.save(Commitment, commitments)
        self.save(DeliveryReturn, returns)

    def delivery_totals(self):
        """Returns were bulk created, bypassing the services: build the ledger in one go."""
        from contracts.ledger import rebuild

        rows = rebuild()
        self.say(f"ledger of delivery: {rows:,} lines")

    def community(self):
        statuses = (
            ["submitted"] * 4
            + ["under_review"] * 2
            + ["accepted"] * 2
            + ["declined", "withdrawn", "merged", "draft"]
        )
        proposal_ids = Counter.after(Proposal)
        through = Proposal.areas.through
        total = self.n("proposals")
        for first in range(0, total, 10_000):
            proposals, links, supports, comments = [], [], [], []
            for i in range(first, min(total, first + 10_000)):
                group = self.random.choice(self.vcs)
                status = self.random.choice(statuses)
                if status == "merged" and not proposals:
                    status = "submitted"  # merged needs an earlier proposal to merge into
                proposal = Proposal(
                    pk=proposal_ids.take(),
                    place=self.place,
                    organisation=group,
                    title=f"Generated proposal {i + 1}",
                    problem="Generated.",
                    status=status,
                    submitted_at=self.now if status != "draft" else None,
                    suggested_outcome=self.random.choice(self.outcomes),
                    created_by=self.vcs_members[group.pk],
                    objective=self.random.choice(self.active_objectives)
                    if status == "accepted"
                    else None,
                    merged_into_id=proposals[-1].pk if status == "merged" else None,
                )
                proposals.append(proposal)
                links.append(
                    through(
                        proposal_id=proposal.pk, area_id=self.random.choice(self.neighbourhoods).pk
                    )
                )
                for user in self.random.sample(self.residents, min(2, len(self.residents))):
                    supports.append(Support(proposal_id=proposal.pk, user=user))
                comments.append(
                    Comment(
                        proposal_id=proposal.pk,
                        author=self.officers[0],
                        author_organisation=self.bodies[0],
                        is_answer=True,
                        body="Generated answer.",
                    )
                )
            with transaction.atomic():
                self.save(Proposal, proposals)
                self.save(through, links)
                self.save(Support, supports)
                self.save(Comment, comments)
            self.say(f"{min(total, first + 10_000):,} of {total:,} proposals")
        self.consultations()

    def consultations(self):
        total = self.n("consultations")
        responses_each = max(1, self.n("responses") // total)
        consultation_ids, question_ids = Counter.after(Consultation), Counter.after(Question)
        option_ids, response_ids = Counter.after(Option), Counter.after(Response)
        from consultations.models import RespondentType

        types = list(RespondentType.values)
        for c in range(total):
            consultation = Consultation(
                pk=consultation_ids.take(),
                place=self.place,
                owner=self.random.choice(self.bodies),
                title=f"Generated consultation {c + 1}",
                purpose="Generated.",
                opens_on=self.today - datetime.timedelta(days=120),
                closes_on=self.today - datetime.timedelta(days=30),
                allow_anonymous=True,
                published_at=self.now,
                closed_at=self.now,
                summary_published_at=self.now,
                created_by=self.officers[0],
            )
            question = Question(
                pk=question_ids.take(),
                consultation_id=consultation.pk,
                position=0,
                text="Do you agree?",
                kind="single",
            )
            options = [
                Option(pk=option_ids.take(), question_id=question.pk, position=p, label=label)
                for p, label in enumerate(["Yes", "No", "Not sure"])
            ]
            responses, answers = [], []
            for _ in range(responses_each):
                response = Response(
                    pk=response_ids.take(),
                    consultation_id=consultation.pk,
                    respondent_type=self.random.choice(types),
                    area=self.random.choice(self.neighbourhoods),
                )
                responses.append(response)
                answers.append(
                    Answer(
                        response_id=response.pk,
                        question_id=question.pk,
                        option_id=self.random.choice(options).pk,
                    )
                )
            with transaction.atomic():
                self.save(Consultation, [consultation])
                Consultation.areas.through.objects.create(
                    consultation_id=consultation.pk, area_id=self.wards[0].pk
                )
                self.save(Question, [question])
                self.save(Option, options)
                self.save(Response, responses)
                self.save(Answer, answers)
            if (c + 1) % 20 == 0 or c + 1 == total:
                self.say(
                    f"{c + 1} of {total} consultations, "
                    f"{self.counts.get('consultations.Response', 0):,} responses"
                )

    def reset_sequences(self):
        """Explicit keys leave PostgreSQL's sequences behind; move them on."""
        from django.apps import apps
        from django.core.management.color import no_style

        models = [
            m
            for m in apps.get_models()
            if m._meta.app_label in {"places", "people", "objectives", "contracts", "consultations"}
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def analyse(self):
        """Gather the planner's statistics (and, on PostgreSQL outside a transaction, mark the
        pages all-visible for index-only scans) now, rather than whenever autovacuum comes by:
        until then the planner guesses at millions of rows and chooses badly (the dashboard
        took three times as long on a just-seeded database)."""
        if connection.vendor != "postgresql":
            return
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        self.say(f"{statement} done")


def generate(*, scale: float = 1.0, seed: int = 2026, stdout=None) -> dict[str, int]:
    return Generator(scale=scale, seed=seed, stdout=stdout).run()
