"""A campaign's questionnaire: its ordered pages (built-in and the secretariat's own), questions, choices,
conditions, answers, and their XLSForm import and export.

Modules: ``models`` (rows), ``conditions`` (the safe evaluator of XLSForm ``relevant`` expressions),
``structure`` (the questionnaire of a campaign as plain data, read in three queries), ``fields`` (a form
field per kind of question), ``services`` (writes: answers, retiring, wording history, copying),
``xlsform`` (import and export), ``report`` (dashboard and report tables, export columns).
"""
