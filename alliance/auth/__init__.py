"""Signing in: people, passwords, sessions, throttling and API tokens."""
