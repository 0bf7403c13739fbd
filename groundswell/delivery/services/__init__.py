"""Writes of the delivery app, one module per process.

- deliveries: recording a delivery to the target;
- packages: building the delivery package (PDF, CSV, manifest).
"""
