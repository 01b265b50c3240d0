"""The groups app's services, one module per concern (interviews.py; matching and offers to come)."""
