"""The client's address, as rate limits (django-ratelimit) and login throttling (django-axes) see it.

``settings.TRUSTED_PROXY_COUNT`` says how many reverse proxies stand in front of Django. Each one
appends the address it received the request from to ``X-Forwarded-For``, so with N proxies the
client is the N-th entry from the right; whatever the client itself wrote further left is ignored.
With no proxy (the default) the header is not read at all: ``REMOTE_ADDR`` is the client, and a
forged ``X-Forwarded-For`` cannot buy a fresh bucket. A header with fewer entries than proxies
(a request that reached Django without crossing them all) falls back to ``REMOTE_ADDR`` too.
"""

import ipaddress

from django.conf import settings

# An IPv6 host usually owns a whole /64: counting per address would give it 2^64 buckets.
IPV6_PREFIX = 64


def client_ip(request) -> str:
    """The address the request comes from, proxies taken into account (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:  # a proxy that writes something else than an address is misconfigured
        return remote
    return candidate


def ratelimit_key(group, request) -> str:
    """django-ratelimit key: the client address, IPv6 addresses grouped by their /64."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    return address
