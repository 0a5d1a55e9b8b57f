"""Vaccination Station domain: records, flow, rules. No Qt, no ui/, no sync/."""

__version__ = "0.1.0"
