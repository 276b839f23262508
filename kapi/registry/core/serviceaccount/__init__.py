"""Serviceaccount."""
