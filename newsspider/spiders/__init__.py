"""Spiders of the newsspider project."""
