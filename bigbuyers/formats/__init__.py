"""The portal's date formats where Django's own for a language do not suit it (FORMAT_MODULE_PATH).

Templates name formats (date:"DATE_FORMAT", date:"DATETIME_FORMAT") instead of spelling one pattern for
every language, so that German gets its "3. Dezember 2026" and French its "3 décembre 2026 14:00".
"""
