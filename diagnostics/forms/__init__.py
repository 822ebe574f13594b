"""Forms of the diagnostic, one module per subdomain: validation only, the services act."""
