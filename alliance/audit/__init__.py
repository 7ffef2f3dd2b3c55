"""The record: an append-only, SHA-256 hash-chained log of every change."""
