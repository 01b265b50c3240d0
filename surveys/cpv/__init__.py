"""The Common Procurement Vocabulary (CPV 2008, Regulation (EC) No 213/2008) inside the portal.

- ``codes``: pure helpers over code strings (parse what a person typed, division and group prefixes).
- ``models``: the vocabulary's table (``CpvCode``), filled from ``cpv-2008-en.csv.gz`` by ``loader``.
- ``loader``: reads the compressed CSV shipped with the app and brings the table in line with it, after
  every ``migrate`` (and ``manage.py load_cpv``). Nothing reads ``../shared`` at run time.
- ``selectors``: labels of codes, division/group labels, and the search by words or by number.
- ``fields``: the form field and widget of a planned purchase's code (search without JavaScript, a
  combobox with it: ``static/js/cpv.js``).

The labels are English only: the data the portal has gives no other language.
"""
