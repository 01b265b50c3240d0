# English as written in the European institutions (day month year, 24-hour clock), not Django's American
# "Dec. 3, 2026, 2 p.m.".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
