"""The generated outcomes framework and the register of objectives with their targets."""

import datetime
from decimal import Decimal

from objectives.models import Framework, Measure, Objective, Outcome, Target, Theme

from .base import Base, Counter


class ObjectivesPart(Base):
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
