"""Writes to open letters, one module per process: letters (text, categories, status), signing
(signatures and work e-mail verification), moderation, counting and notices of text changes."""
