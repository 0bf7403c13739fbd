"""Every back-office page, one module per area; each asks groundswell.organizer.permissions who
may see it."""
