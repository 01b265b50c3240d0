"""The surveys app's services, one module per concern: responses.py (answering and submitting), eligibility.py
(assessments, decisions, country policy), deadlines.py (extensions, late requests), colleagues.py (access
requests), signin.py (sign-in links)."""
