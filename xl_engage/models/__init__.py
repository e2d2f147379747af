"""Validated, frozen domain models. They never import an Excel library."""
