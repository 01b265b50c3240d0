"""The groups app's forms, one module per concern."""
