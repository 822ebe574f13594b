"""Reads of the roadmap that combine several tables, one module per subdomain."""
