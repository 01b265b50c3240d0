"""The communities app's services, one module per concern: membership.py (creating, joining, requests),
roadmap.py, discussions.py (threads, replies, moderation, digests), documents.py, events.py (registrations,
waiting lists, guests), claims.py (travel claims), establishment.py (a working group opens its community);
common.py holds what they share.

Each function is one whole change in one transaction; its e-mails go through the outbox
(`queue_email`) under keys that name them, so that nothing is sent twice however often a
function or a task runs.
"""
