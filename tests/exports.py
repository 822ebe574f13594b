"""Ask for an export as a person does (POST, then the job's page, then its download) and return the file."""

from django.http import HttpResponse
from django.test import TestCase
from django.urls import resolve, reverse


def download_export(client, url: str) -> HttpResponse:
    """POST ``url`` (an export button), follow to the job's page and download the file (tasks run eagerly)."""
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task is enqueued once the request commits
        response = client.post(url)
    assert response.status_code == 302, response.status_code
    match = resolve(response["Location"].split("?")[0])
    assert match.url_name == "export-job", response["Location"]
    page = client.get(response["Location"])
    assert "Votre fichier est prêt" in page.content.decode(), page.content.decode()
    download = client.get(reverse("territoire:export-job-download", args=[match.kwargs["job_id"]]))
    assert download.status_code == 200
    # Reading the stream to its end closes the file (the test client wraps it); no close() here, which
    # would also close the test's database connection.
    result = HttpResponse(b"".join(download.streaming_content), content_type=download["Content-Type"])
    result["Content-Disposition"] = download["Content-Disposition"]
    return result
