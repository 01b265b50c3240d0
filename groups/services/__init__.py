"""The groups app's services, one module per concern: interviews.py, formation.py (runs, publishing, offers,
observers), solving.py (a run's solve), pickup.py."""
