"""Reads of the diagnostic that combine several models, one module per subdomain or page."""
