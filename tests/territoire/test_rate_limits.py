"""Rate limits of the public views and the client address they count by.

Each limit: the visitor over it gets HTTP 429 with a French message and loses nothing typed; a
visitor from another address is not limited. The address comes from ``TRUSTED_PROXY_COUNT``: a
client-sent X-Forwarded-For never buys a fresh bucket, and two visitors behind our proxy do not
share one. Login throttling (django-axes) reads the same address.
"""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from diagnostics.models import Answer, Audience, CardVote, ChallengeCard, Response
from tests.diagnostics.factories import CampaignFactory, InvitationFactory, full_questionnaire
from tests.diagnostics.factories_fieldwork import CardFactory, WorkshopFactory
from tests.factories import UserFactory
from tests.territoire.test_settings import run

PROXY = "10.0.0.1"


def visitor(address="198.51.100.7", forwarded=None):
    """A browser of its own (fresh session), seen by Django from ``address``."""
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**extra)


@pytest.fixture
def rates(settings):
    def set_rate(group, rate):
        settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, group: rate}

    return set_rate


@pytest.fixture
def public_campaign(tenant_a):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.CITIZENS, public_token="pub-tok-1")
    return campaign, q


def start(client):
    return client.post(reverse("respond:public", args=["pub-tok-1"]))


# --- Public questionnaire: starts -------------------------------------------------------------------


def test_public_starts_are_limited_per_address_with_a_french_page(public_campaign, rates):
    rates("public-start", "2/h")
    assert [start(visitor()).status_code for _ in range(2)] == [302, 302]
    refused = start(visitor())
    assert refused.status_code == 429
    assert "Trop de questionnaires ont été commencés depuis cette connexion" in refused.text
    assert Response.objects.count() == 2
    assert start(visitor("198.51.100.8")).status_code == 302  # another address has its own bucket


def test_a_forged_forwarded_for_does_not_change_the_bucket_without_proxy(public_campaign, rates, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    rates("public-start", "2/h")
    statuses = [start(visitor(forwarded=f"203.0.113.{n}")).status_code for n in range(3)]
    assert statuses == [302, 302, 429]


def test_behind_one_proxy_each_visitor_has_a_bucket_and_cannot_forge_another(public_campaign, rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    rates("public-start", "2/h")
    # The proxy appends the address it saw: whatever the visitor wrote before it is ignored.
    alice = [start(visitor(PROXY, f"{n}.{n}.{n}.{n}, 203.0.113.5")).status_code for n in range(1, 4)]
    assert alice == [302, 302, 429]
    assert start(visitor(PROXY, "203.0.113.6")).status_code == 302  # Bob, behind the same proxy
    # A request that did not cross the proxy (no header) counts on its own address.
    assert start(visitor("198.51.100.9")).status_code == 302


def test_login_throttling_reads_the_same_address(tenant_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    username = tenant_a.staff.username
    for _ in range(5):
        visitor(PROXY, "203.0.113.5").post(reverse("login"), {"username": username, "password": "mauvais"})
    good = {"username": username, "password": "motdepasse-de-test"}
    assert visitor(PROXY, "203.0.113.5").post(reverse("login"), good).status_code == 429
    # Another visitor behind the same proxy is not locked out by the first one's failures.
    assert visitor(PROXY, "203.0.113.6").post(reverse("login"), good).status_code == 302


# --- Public questionnaire: autosaves ------------------------------------------------------------


def test_autosaves_are_limited_per_address_and_say_to_retry_in_a_minute(tenant_a, rates):
    questionnaire, q = full_questionnaire(tenant_a.mission)
    campaign = CampaignFactory(questionnaire=questionnaire, audience=Audience.STAFF)
    token = InvitationFactory(campaign=campaign).token
    rates("autosave", "2/m")
    browser = visitor()

    def autosave(client, text):
        url = reverse("respond:answer", args=[token, q["short_text"].pk])
        return client.post(url, {f"q{q['short_text'].pk}": text})

    assert autosave(browser, "Directrice").status_code == 200
    assert autosave(browser, "Directrice générale").status_code == 200
    refused = autosave(browser, "Directrice générale adjointe")
    assert refused.status_code == 429
    assert "Enregistrement impossible pour l&#x27;instant, réessayez dans une minute." in refused.text
    assert Answer.objects.get().value == "Directrice générale"  # the last accepted answer is kept
    assert autosave(visitor("198.51.100.8"), "Directrice générale adjointe").status_code == 200
    assert Answer.objects.get().value == "Directrice générale adjointe"


# --- Workshop participants' link -----------------------------------------------------------------


def test_workshop_cards_are_limited_per_address_and_the_text_stays_in_the_form(tenant_a, rates):
    workshop = WorkshopFactory(mission=tenant_a.mission)
    url = reverse("respond:workshop", kwargs={"workshop_token": workshop.public_token})
    rates("workshop-card", "2/h")
    assert [visitor().post(url, {"text": f"Défi {n}"}).status_code for n in range(2)] == [302, 302]
    refused = visitor().post(url, {"text": "Un banc connecté au parc"})
    assert refused.status_code == 429
    assert "Trop de cartes envoyées depuis cette connexion" in refused.text
    assert "Un banc connecté au parc" in refused.text
    assert ChallengeCard.objects.count() == 2
    assert visitor("198.51.100.8").post(url, {"text": "Un banc connecté au parc"}).status_code == 302


def test_workshop_votes_are_limited_per_address(tenant_a, rates):
    workshop = WorkshopFactory(mission=tenant_a.mission, voting=True)
    cards = [CardFactory(workshop=workshop) for _ in range(3)]
    rates("workshop-vote", "2/h")
    browser = visitor()

    def vote(client, card):
        return client.post(reverse("respond:workshop-vote", args=[workshop.public_token, card.pk]))

    assert [vote(browser, card).status_code for card in cards[:2]] == [302, 302]
    refused = vote(browser, cards[2])
    assert refused.status_code == 429
    assert "Trop de votes envoyés depuis cette connexion" in refused.text
    assert CardVote.objects.count() == 2
    assert vote(visitor("198.51.100.8"), cards[2]).status_code == 302
    assert CardVote.objects.count() == 3


# --- Password reset ---------------------------------------------------------------------------------


def reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_password_reset_is_limited_per_address(db, rates):
    UserFactory(email="agent@commune.be")
    rates("password-reset", "2/h")
    assert [reset(visitor(), f"x{n}@commune.be").status_code for n in range(2)] == [302, 302]
    refused = reset(visitor(), "agent@commune.be")
    assert refused.status_code == 429
    assert "Trop de demandes de nouveau mot de passe ont été faites : réessayez dans une heure." in refused.text
    assert 'value="agent@commune.be"' in refused.text  # what was typed is still there
    assert mail.outbox == []
    assert reset(visitor("198.51.100.8"), "agent@commune.be").status_code == 302
    assert len(mail.outbox) == 1


def test_password_reset_is_limited_per_email_address_whatever_the_address(db, rates):
    UserFactory(email="agent@commune.be")
    rates("password-reset-email", "2/h")
    statuses = [reset(visitor(f"198.51.100.{n}"), "Agent@Commune.be ").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2
    assert reset(visitor("198.51.100.50"), "autre@commune.be").status_code == 302


# --- Configuration ------------------------------------------------------------------------------------


def test_system_check_has_no_rate_limit_error(db):
    call_command("check")


def test_a_malformed_rate_is_refused_at_startup():
    result = run(["manage.py", "check"], RATELIMIT_WORKSHOP_VOTE="beaucoup")
    assert result.returncode != 0
    assert "RATELIMIT_WORKSHOP_VOTE must be a rate such as 20/h" in result.stderr
