"""The groups app's public pages, one module per concern."""
