import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "motdepasse-de-test"


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_french(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Se connecter" in response.text
    assert "Mot de passe oublié ?" in response.text


def test_login_leads_to_dashboard(client, tenant_a):
    response = login(client, tenant_a.staff.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("territoire:dashboard")
    assert tenant_a.commune.name in client.get(response["Location"]).text


def test_wrong_password_gets_a_french_message(client, tenant_a):
    response = login(client, tenant_a.staff.username, "mauvais")
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.text


def test_login_is_throttled_after_five_failures(client, tenant_a):
    for _ in range(5):
        login(client, tenant_a.staff.username, "mauvais")
    response = login(client, tenant_a.staff.username)  # even the right password is refused now
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.text
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_session(client, tenant_a):
    client.force_login(tenant_a.staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert "Vous êtes déconnecté" in response.text
    assert client.get(reverse("territoire:dashboard")).status_code == 302


def test_password_reset_by_email(client, db):
    user = UserFactory(email="agent@commune.be")
    response = client.post(reverse("password_reset"), {"email": "agent@commune.be"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Territoire : choisir un nouveau mot de passe"
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choisissez un nouveau mot de passe" in form_page.text
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Un-Nouveau-Secret-2026", "new_password2": "Un-Nouveau-Secret-2026"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-Nouveau-Secret-2026")


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "inconnu@nulle-part.be"}, follow=True)
    assert "Si un compte correspond à cette adresse" in response.text
    assert mail.outbox == []


def test_expired_reset_link_says_so(client, db):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "set-password"]), follow=True)
    assert "Ce lien n'est plus valable" in response.text


@pytest.mark.parametrize("url_name", ["password_change"])
def test_password_change_needs_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302


def test_pages_carry_a_strict_content_security_policy(client, tenant_a):
    client.force_login(tenant_a.staff)
    policy = client.get(reverse("territoire:dashboard"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-eval'" not in policy
    assert "script-src 'self'" in policy and "http" not in policy
