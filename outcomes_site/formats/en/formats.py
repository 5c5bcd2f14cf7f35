"""Date and time formats for English (FORMAT_MODULE_PATH).

Django's own English formats write "11/20/2026 5:55 p.m.", and "03/04/2026" is March to some
readers and April to others. Day, month name and year with a 24-hour clock read the same way
everywhere.
Input formats stay Django's (ISO dates first).
"""

DATE_FORMAT = "j M Y"  # 20 Nov 2026
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i T"  # 20 Nov 2026, 17:55 UTC
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 20 Nov 2026, 17:55
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
