"""Writes of the diagnostic, one module per subdomain (``services.campaigns.campaign_open(...)``).

Import the module you need: ``from diagnostics.services import findings as services``.
"""
