"""Writes of the roadmap, one module per subdomain."""
