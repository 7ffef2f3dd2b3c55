"""Unanimous decisions: proposals, one vote per member organisation, outcomes, deadlocks."""
