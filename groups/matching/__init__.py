"""Group formation: choose K thematic areas and place eligible bodies in them, exactly.

Pure code over plain data (no ORM): ``parse_problem`` checks the JSON input, ``solve`` runs the exact
search, ``greedy`` is the baseline it is measured against. See ``search.py`` for the method.
"""

from .greedy import greedy
from .model import Body, Problem, ProblemError, Solution, parse_problem
from .search import solve

__all__ = ["Body", "Problem", "ProblemError", "Solution", "greedy", "parse_problem", "solve"]
