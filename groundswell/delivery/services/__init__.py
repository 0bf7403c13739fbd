"""Writes of the delivery app, one module per process.

- transparency_log: appending confirmed signatures and tombstones, signing checkpoints;
- receipts: the signer's receipt, its link and its e-mail;
- deliveries: recording a delivery to the target;
- packages: building the delivery package (PDF, CSV, manifest).

Import from the modules themselves: `signatures.services` imports the log hooks, which must stay
cheap to import (the package builder pulls in ReportLab).
"""
