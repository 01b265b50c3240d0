"""The groups app's services, one module per concern: interviews.py, formation.py (runs, offers, observers)."""
