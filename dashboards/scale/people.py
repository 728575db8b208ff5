"""Generated organisations, people and their memberships."""

from django.contrib.auth.hashers import make_password

from people.models import Membership, Organisation, User

from .base import Base, Counter


class PeoplePart(Base):
    def organisations_and_people(self):
        """The public bodies, community groups and suppliers, their people and memberships.
        Long because it writes out each generated row in full, in the order the seeded random
        numbers are drawn; splitting it would only scatter that order."""
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
