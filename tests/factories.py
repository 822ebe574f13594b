"""Factories shared by every app's tests (the core objects: people, communes, missions)."""

import factory
from django.contrib.auth import get_user_model

from territoire.models import Commune, Membership, Mission, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("motdepasse-de-test")

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    name = factory.Sequence(lambda n: f"Commune {n}")
    code = factory.Sequence(lambda n: f"{10000 + n}")
    province = "Province de Namur"
    population = 16000


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    commune = factory.SubFactory(CommuneFactory)
    role = Role.STAFF

    class Params:
        consultant = factory.Trait(role=Role.CONSULTANT)
        college = factory.Trait(role=Role.COLLEGE)


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        skip_postgeneration_save = True

    commune = factory.SubFactory(CommuneFactory)
    title = factory.Sequence(lambda n: f"Mission territoire intelligent {n}")

    @factory.post_generation
    def referents(self, create, extracted, **kwargs):
        if create and extracted:
            self.referents.set(extracted)


def member(commune, role=Role.STAFF, **kwargs):
    """A new user with a membership of the given role in the commune."""
    return MembershipFactory(commune=commune, role=role, **kwargs).user
