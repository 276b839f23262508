"""The apps/v1 resources."""
