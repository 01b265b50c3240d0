"""Optional two-factor authentication (TOTP, django-otp) for the secretariat's admin.

A staff member enrols an authenticator app on a page linked from the admin's user tools; from then on
the admin asks for a code after the password. `STAFF_REQUIRE_TWO_FACTOR` makes enrolment compulsory.
"""
