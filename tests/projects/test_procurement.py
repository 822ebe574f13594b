"""Procurement: the procedure suggested from the dated thresholds, its justification, the timeline, offers
(late ones flagged and left out), the evaluation by the stored price formula and the evaluators' averaged
points, the award, and who may do what."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import EvaluationScore, Offer, Procurement
from projects.selectors.procurement import evaluate
from projects.services.procurement import suggest_procedure
from territoire.models import Membership, Role
from tests.factories import UserFactory
from tests.projects.factories import FollowedProjectFactory
from tests.projects.factories_csc import OfferFactory, ProcurementFactory, SpecificationFactory
from tests.roadmap.factories import ProjectSheetFactory


@pytest.fixture
def project(tenant_a):
    return FollowedProjectFactory(sheet=ProjectSheetFactory(mission=tenant_a.mission, status="retained"))


@pytest.fixture
def procurement(project):
    return ProcurementFactory(
        specification=SpecificationFactory(project=project), project=project, planned_launch=date(2026, 3, 1)
    )


def _url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.mission_id, project.pk, *args])


def _member(tenant, role):
    user = UserFactory()
    Membership.objects.create(user=user, commune=tenant.commune, role=role)
    return user


# --- Thresholds ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_thresholds_in_force_depend_on_the_launch_date():
    before = suggest_procedure(nature="services", amount=Decimal("139999"), on=date(2025, 12, 31))
    after = suggest_procedure(nature="services", amount=Decimal("139999"), on=date(2026, 1, 2))
    assert before.procedure == after.procedure == "negotiated_without"
    assert before.threshold.amount == Decimal("143000") and after.threshold.amount == Decimal("140000")
    assert "moins de 143\xa0000\xa0€" in before.reasoning[0] and "moins de 140\xa0000\xa0€" in after.reasoning[0]
    # Between the two ceilings, the date decides the procedure.
    assert suggest_procedure(nature="services", amount=Decimal("141000"), on=date(2025, 12, 31)).procedure == (
        "negotiated_without"
    )
    assert suggest_procedure(nature="services", amount=Decimal("141000"), on=date(2026, 1, 2)).procedure == (
        "negotiated_with"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nature", "amount", "procedure", "publication"),
    [
        ("supplies", "29999.99", "low_value", "none"),
        ("supplies", "30000", "negotiated_without", "none"),
        ("supplies", "215999", "negotiated_with", "bda"),
        ("supplies", "216000", "open_eu", "bda_ted"),
        ("works", "749999", "negotiated_with", "bda"),
        ("works", "750000", "open", "bda"),
        ("works", "5404000", "open_eu", "bda_ted"),
    ],
)
def test_the_suggestion_takes_the_lightest_procedure_allowed(nature, amount, procedure, publication):
    suggestion = suggest_procedure(nature=nature, amount=Decimal(amount), on=date(2026, 6, 1))
    assert (suggestion.procedure, suggestion.threshold.publication) == (procedure, publication)
    assert "Loi du 17 juin 2016" in suggestion.threshold.legal_article


def test_the_page_shows_the_suggestion_and_its_reasoning(client, tenant_a, project, procurement):
    client.force_login(tenant_a.consultant)
    page = client.get(_url("procurement-detail", project, procurement.pk)).text
    assert "Procédure indiquée : Procédure négociée sans publication préalable" in page
    assert "de 30\xa0000\xa0€ à moins de 140\xa0000\xa0€ HTVA" in page
    assert "Publicité : Aucune publication." in page
    assert "art. 42" in page


def test_a_negotiated_procedure_without_publication_needs_a_justification(client, tenant_a, project, procurement):
    client.force_login(tenant_a.consultant)
    url = _url("procurement-procedure", project, procurement.pk)
    response = client.post(url, {"procedure": "negotiated_without", "justification": "  "})
    assert response.status_code == 400
    assert "Une procédure négociée sans publication préalable doit être justifiée par écrit." in response.text
    procurement.refresh_from_db()
    assert procurement.procedure == ""
    response = client.post(url, {"procedure": "negotiated_without", "justification": "Montant sous le seuil."})
    assert response.status_code == 302
    procurement.refresh_from_db()
    assert (procurement.procedure, procurement.procedure_amount) == ("negotiated_without", Decimal("100000"))


def test_a_procedure_lighter_than_the_amount_allows_is_refused(client, tenant_a, project, procurement):
    client.force_login(tenant_a.consultant)
    response = client.post(_url("procurement-procedure", project, procurement.pk), {"procedure": "low_value"})
    assert "dépasse le plafond de cette procédure" in response.text
    assert Procurement.objects.get(pk=procurement.pk).procedure == ""


def test_an_amount_crossing_a_threshold_after_the_choice_is_flagged(client, tenant_a, project, procurement):
    client.force_login(tenant_a.consultant)
    client.post(
        _url("procurement-procedure", project, procurement.pk),
        {"procedure": "negotiated_without", "justification": "Sous le seuil."},
    )
    response = client.post(
        _url("procurement-edit", project, procurement.pk),
        {
            "title": procurement.title,
            "specification": procurement.specification_id,
            "nature": "services",
            "estimated_amount": "150000",
            "planned_launch": "2026-03-01",
        },
        follow=True,
    )
    assert "a franchi un seuil depuis le choix de la procédure" in response.text
    assert "Procédure négociée avec publication préalable" in response.text


# --- Timeline and offers ----------------------------------------------------------------------------------


def _timeline(**dates):
    fields = (
        "launch_date",
        "questions_deadline",
        "offers_deadline",
        "opening_date",
        "award_date",
        "notification_date",
    )
    return {name: dates.get(name, "") for name in fields}


def test_timeline_dates_in_the_wrong_order_are_refused(client, tenant_a, project, procurement):
    client.force_login(tenant_a.consultant)
    response = client.post(
        _url("procurement-timeline", project, procurement.pk),
        _timeline(launch_date="2026-03-01", offers_deadline="2026-03-20T12:00", opening_date="2026-03-10"),
    )
    assert response.status_code == 400
    assert (
        "Les dates doivent se suivre : « ouverture des offres » ne peut pas précéder "
        "« date limite de remise des offres »." in response.text
    )
    procurement.refresh_from_db()
    assert procurement.launch_date is None and procurement.opening_date is None


def test_an_offer_after_the_deadline_is_flagged_and_left_out(client, tenant_a, project, procurement):
    client.force_login(tenant_a.consultant)
    client.post(
        _url("procurement-timeline", project, procurement.pk),
        _timeline(launch_date="2026-03-01", offers_deadline="2026-03-20T12:00", opening_date="2026-03-20"),
    )
    url = _url("offer-add", project, procurement.pk)
    client.post(url, {"provider": "À temps", "received_at": "2026-03-20T11:59", "price": "90000"})
    response = client.post(
        url,
        {
            "provider": "En retard",
            "received_at": "2026-03-20T12:01",
            "price": "80000",
            "documents": [SimpleUploadedFile("offre.pdf", b"%PDF-1.4 offre")],
        },
        follow=True,
    )
    assert "est arrivée après la date limite : elle est écartée de l’évaluation" in response.text
    late = Offer.objects.get(provider="En retard")
    assert late.is_late and late.excluded and late.documents.count() == 1
    assert [result.offer.provider for result in evaluate(procurement).results] == ["À temps"]
    assert "Hors délai" in response.text


def test_an_offer_document_of_another_type_is_refused_and_nothing_is_recorded(client, tenant_a, project, procurement):
    client.force_login(tenant_a.consultant)
    response = client.post(
        _url("offer-add", project, procurement.pk),
        {
            "provider": "Piégé SA",
            "received_at": "2026-03-01T10:00",
            "price": "90000",
            "documents": [SimpleUploadedFile("offre.pdf", b"%PDF-1.4"), SimpleUploadedFile("offre.html", b"<script>")],
        },
        follow=True,
    )
    assert "« offre.html » : ce type de fichier n&#x27;est pas accepté" in response.text
    assert not Offer.objects.filter(provider="Piégé SA").exists()


# --- Evaluation ---------------------------------------------------------------------------------------------


def _three_offers(procurement):
    return (
        OfferFactory(procurement=procurement, provider="Alpha", price=Decimal("80000")),
        OfferFactory(procurement=procurement, provider="Bêta", price=Decimal("100000")),
        OfferFactory(procurement=procurement, provider="Gamma", price=Decimal("120000")),
    )


def _score(offer, criterion, evaluator, points):
    EvaluationScore.objects.create(offer=offer, criterion=criterion, evaluator=evaluator, points=points)


def test_the_price_formula_and_the_average_of_evaluators_by_hand(tenant_a, procurement):
    alpha, beta, gamma = _three_offers(procurement)
    quality = procurement.specification.criteria.get(kind="quality")
    second = _member(tenant_a, Role.STAFF)
    for offer, mine, theirs in ((alpha, 10, 14), (beta, 38, 36), (gamma, 30, 31)):
        _score(offer, quality, tenant_a.consultant, mine)
        _score(offer, quality, second, theirs)
    results = {result.offer.provider: result for result in evaluate(procurement).results}
    # Price 60 points: 60 × 80 000 / price.
    assert results["Alpha"].price_points == Decimal("60.00")
    assert results["Bêta"].price_points == Decimal("48.00")
    assert results["Gamma"].price_points == Decimal("40.00")
    assert results["Bêta"].quality[quality.pk] == Decimal("37.00")
    assert {name: (r.total, r.rank) for name, r in results.items()} == {
        "Alpha": (Decimal("72.00"), 2),
        "Bêta": (Decimal("85.00"), 1),
        "Gamma": (Decimal("70.50"), 3),
    }


def test_the_linear_price_formula(procurement):
    procurement.specification.criteria.filter(kind="price").update(price_formula="linear")
    _three_offers(procurement)
    results = {result.offer.provider: result.price_points for result in evaluate(procurement).results}
    # 60 × (1 − (100 000 − 80 000) / 80 000) = 45; 60 × (1 − 40 000 / 80 000) = 30.
    assert results == {"Alpha": Decimal("60.00"), "Bêta": Decimal("45.00"), "Gamma": Decimal("30.00")}


def test_an_evaluator_scores_in_the_grid_and_out_of_scale_points_are_refused(client, tenant_a, project, procurement):
    alpha, beta, gamma = _three_offers(procurement)
    quality = procurement.specification.criteria.get(kind="quality")
    client.force_login(tenant_a.consultant)
    url = _url("procurement-evaluation", project, procurement.pk)
    response = client.post(url, {f"p-{alpha.pk}-{quality.pk}": "41", f"p-{beta.pk}-{quality.pk}": "30"})
    assert response.status_code == 400
    assert "Une note entre 0 et 40 points." in response.text
    assert not EvaluationScore.objects.exists()
    response = client.post(url, {f"p-{alpha.pk}-{quality.pk}": "32,5", f"p-{beta.pk}-{quality.pk}": "30"})
    assert response.status_code == 302
    assert EvaluationScore.objects.get(offer=alpha).points == Decimal("32.5")


def test_the_college_reads_the_evaluation_but_does_not_score(client, tenant_a, project, procurement):
    alpha, _, _ = _three_offers(procurement)
    quality = procurement.specification.criteria.get(kind="quality")
    client.force_login(tenant_a.college)
    url = _url("procurement-evaluation", project, procurement.pk)
    assert client.get(url).status_code == 200
    assert client.post(url, {f"p-{alpha.pk}-{quality.pk}": "20"}).status_code == 403
    assert not EvaluationScore.objects.exists()


# --- Award ----------------------------------------------------------------------------------------------------


def test_awarding_an_offer_that_is_not_the_best_needs_a_justification(client, tenant_a, project, procurement):
    alpha, beta, gamma = _three_offers(procurement)
    quality = procurement.specification.criteria.get(kind="quality")
    for offer, points in ((alpha, 10), (beta, 38), (gamma, 30)):
        _score(offer, quality, tenant_a.consultant, points)
    client.force_login(tenant_a.consultant)
    url = _url("procurement-award", project, procurement.pk)
    response = client.post(url, {"offer": alpha.pk, "justification": ""})
    assert response.status_code == 400
    assert (
        "Cette offre n’est pas la mieux classée : une justification de l’attribution est obligatoire." in response.text
    )
    assert Procurement.objects.get(pk=procurement.pk).awarded_offer is None
    assert client.post(url, {"offer": beta.pk}).status_code == 302
    assert Procurement.objects.get(pk=procurement.pk).awarded_offer == beta
    client.post(url, {"offer": alpha.pk, "justification": "Bêta a retiré son offre."})
    procurement.refresh_from_db()
    assert (procurement.awarded_offer, procurement.award_justification) == (alpha, "Bêta a retiré son offre.")


# --- Permissions ----------------------------------------------------------------------------------------------


def test_the_college_reads_the_procurement_and_cannot_change_it(client, tenant_a, project, procurement):
    offer = OfferFactory(procurement=procurement)
    client.force_login(tenant_a.college)
    assert client.get(_url("procurement-detail", project, procurement.pk)).status_code == 200
    for name, data in (
        ("offer-add", {"provider": "X", "received_at": "2026-03-01T10:00", "price": "1"}),
        ("procurement-award", {"offer": offer.pk, "justification": "x"}),
        ("procurement-procedure", {"procedure": "open_eu"}),
    ):
        assert client.post(_url(name, project, procurement.pk), data).status_code == 403
    assert Offer.objects.count() == 1
    assert Procurement.objects.get(pk=procurement.pk).procedure == ""


def test_staff_outside_the_team_cannot_record_an_offer_the_leader_can(client, tenant_a, project, procurement):
    data = {"provider": "X", "received_at": "2026-03-01T10:00", "price": "1"}
    client.force_login(tenant_a.staff)
    assert client.post(_url("offer-add", project, procurement.pk), data).status_code == 403
    project.leader = tenant_a.staff
    project.save(update_fields=["leader"])
    assert client.post(_url("offer-add", project, procurement.pk), data).status_code == 302
    assert Offer.objects.filter(procurement=procurement).count() == 1


def test_another_commune_gets_404_on_the_procurement_and_its_documents(
    client, tenant_a, tenant_b, project, procurement
):
    client.force_login(tenant_a.consultant)
    client.post(
        _url("offer-add", project, procurement.pk),
        {
            "provider": "X",
            "received_at": "2026-03-01T10:00",
            "price": "1",
            "documents": [SimpleUploadedFile("o.pdf", b"%PDF")],
        },
    )
    document = Offer.objects.get().documents.get()
    download = client.get(_url("offer-document", project, document.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF"  # read to the end, which closes the file
    client.force_login(tenant_b.consultant)
    for name, arg in (
        ("procurement-detail", procurement.pk),
        ("procurement-evaluation", procurement.pk),
        ("offer-document", document.pk),
    ):
        assert client.get(_url(name, project, arg)).status_code == 404


def test_the_procurement_page_keeps_a_constant_number_of_queries(
    client, tenant_a, project, procurement, django_assert_max_num_queries
):
    for offer in _three_offers(procurement):
        _score(offer, procurement.specification.criteria.get(kind="quality"), tenant_a.consultant, 20)
    client.force_login(tenant_a.consultant)
    with django_assert_max_num_queries(30):
        assert client.get(_url("procurement-detail", project, procurement.pk)).status_code == 200
