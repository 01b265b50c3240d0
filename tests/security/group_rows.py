"""Access-matrix rows of the groups app: signed links (offers) and the public Observer Group pages.

Offer pages open from an e-mailed, signed link (a bearer token for one body's people): whoever holds
it sees that body's offers, and only those; a tampered link gets a clear page (test_access_matrix).
"""

from __future__ import annotations

from tests.security.matrix import Row, everyone

ROWS = {
    "offer_page": Row(lambda w: [w.offer_token_a], everyone(200), personal=True),
    "offer_accept": Row(lambda w: [w.offer_token_a, w.offer_a.pk], everyone(405), personal=True),
    "offer_decline": Row(lambda w: [w.offer_token_a, w.offer_a.pk], everyone(405), personal=True),
    "offer_accepted": Row(lambda w: [w.offer_token_a, w.offer_a.pk], everyone(200), personal=True),
    "offer_declined": Row(lambda w: [w.offer_token_a, w.offer_a.pk], everyone(200), personal=True),
    "observer_signup": Row(lambda w: [], everyone(200)),
    "observer_sent": Row(lambda w: [], everyone(200)),
    "observer_confirm": Row(lambda w: [w.observer_confirm_token], everyone(200), personal=True),
    "observer_confirmed": Row(lambda w: [], everyone(200)),
    "observer_unsubscribe": Row(lambda w: [w.observer_token], everyone(200), personal=True),
}
