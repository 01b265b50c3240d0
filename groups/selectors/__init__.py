"""The groups app's selectors, one module per concern."""
