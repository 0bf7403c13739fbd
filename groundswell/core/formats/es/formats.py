"""Spanish numbers as most of our Spanish-reading signers write them: 1.166 and 2,5 (Django's
default for es is a non-breaking space between thousands). Everything else comes from Django."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
