from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_logo_is_served_to_members_only(client, tenant_a, tenant_b):
    tenant_a.commune.logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    tenant_a.commune.save()
    url = reverse("territoire:commune-logo", args=[tenant_a.commune.pk])
    client.force_login(tenant_a.college)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    client.force_login(tenant_b.consultant)
    assert client.get(url).status_code == 404


def test_missing_logo_is_404(client, tenant_a):
    client.force_login(tenant_a.staff)
    assert client.get(reverse("territoire:commune-logo", args=[tenant_a.commune.pk])).status_code == 404
