"""The findings' PST search and the PST tree with its tagging controls, on the large demo's 5 110-node PST.

.venv/bin/python manage.py seed_demo --size large
.venv/bin/python benchmarks/pst_search.py
"""

from _common import measure  # noqa: I001  (sets Django up first)

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from django.db.models import Count

from diagnostics.models import Finding
from territoire.models import PST, Membership, Mission, PSTNode, Role

settings.ALLOWED_HOSTS = ["*"]
# The large demo's 5 110-node PST (commune 90000), and a finding of its mission to search from.
pst = PST.objects.annotate(n=Count("nodes")).order_by("-n").first()
commune = pst.commune
mission = Mission.objects.filter(commune=commune).first()
finding, _created = Finding.objects.get_or_create(mission=mission, statement="Constat du benchmark")
print(f"mission {mission.pk}: PST {pst.pk} with {PSTNode.objects.filter(pst__commune=commune).count()} nodes")
consultant = get_user_model().objects.get(username="claire.dubois")
college = Membership.objects.filter(commune=commune, role=Role.COLLEGE).select_related("user").first().user
client = Client()
client.force_login(consultant)
search = reverse("diagnostics:finding-pst-search", args=[mission.pk, finding.pk])
for query in ("mobilite", "a.3.12", "zzzz"):
    found = client.get(search, {"q": query}, headers={"HX-Request": "true"}).content.decode().count('name="source"')
    measure(f"PST search « {query} » ({found} shown)", lambda q=query: client.get(search, {"q": q}))
tree = reverse("territoire:pst-detail", args=[mission.pk, pst.pk])
size = len(client.get(tree).content)
measure(f"PST tree, consultant ({size / 1e6:.2f} MB)", lambda: client.get(tree), repeat=5)
reader = Client()
reader.force_login(college)
size = len(reader.get(tree).content)
measure(f"PST tree, Collège ({size / 1e6:.2f} MB)", lambda: reader.get(tree), repeat=5)
