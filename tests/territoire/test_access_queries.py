"""``access`` resolves an object's commune from ``*_id`` columns: never one query per object on the way."""

from diagnostics.models import ChallengeCard, DigitalSystem, Questionnaire
from territoire import access
from tests.diagnostics.factories import QuestionnaireFactory
from tests.diagnostics.factories_fieldwork import CardFactory, SystemFactory, WorkshopFactory


def test_a_card_s_commune_costs_one_query_at_most_and_none_when_loaded(tenant_a, django_assert_num_queries):
    card = CardFactory(workshop=WorkshopFactory(mission=tenant_a.mission))
    fresh = ChallengeCard.objects.get(pk=card.pk)  # card → workshop → mission → commune, nothing loaded
    with django_assert_num_queries(1):
        assert access.commune_id_of(fresh) == tenant_a.commune.pk
    loaded = ChallengeCard.objects.select_related("workshop__mission").get(pk=card.pk)
    with django_assert_num_queries(0):
        assert access.commune_id_of(loaded) == tenant_a.commune.pk


def test_a_direct_commune_costs_no_query(tenant_a, django_assert_num_queries):
    system = DigitalSystem.objects.get(pk=SystemFactory(commune=tenant_a.commune).pk)
    with django_assert_num_queries(0):
        assert access.commune_id_of(system) == tenant_a.commune.pk
        assert access.commune_id_of(tenant_a.commune) == tenant_a.commune.pk


def test_predicates_answer_with_one_query_for_the_roles(tenant_a, tenant_b, django_assert_num_queries):
    card = ChallengeCard.objects.get(pk=CardFactory(workshop=WorkshopFactory(mission=tenant_a.mission)).pk)
    user = tenant_a.consultant
    with django_assert_num_queries(2):  # the card's commune, the user's memberships (then cached)
        assert access.can_manage_mission(user, card)
    assert not access.can_view(tenant_b.consultant, card)
    assert not access.can_manage_mission(tenant_a.staff, card)


def test_an_object_of_no_commune_belongs_to_nobody(tenant_a):
    template = Questionnaire.objects.get(pk=QuestionnaireFactory(mission=None, owner=tenant_a.consultant).pk)
    assert access.commune_id_of(template) is None
    assert not access.can_view(tenant_a.consultant, template)
