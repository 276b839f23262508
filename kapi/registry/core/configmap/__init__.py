"""Configmap."""
