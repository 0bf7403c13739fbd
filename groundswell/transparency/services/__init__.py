"""Writes of the transparency log, one module per process.

- log: appending confirmed signatures and tombstones, signing checkpoints;
- receipts: the signer's receipt, its link and its e-mail.
"""
