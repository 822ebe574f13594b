"""Forms of the roadmap, one module per subdomain (validation only)."""
