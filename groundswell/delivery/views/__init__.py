"""Split by who uses them: public pages, the JSON proofs, the organizer's pages."""
