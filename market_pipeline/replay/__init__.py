"""Loopback servers that speak each provider's wire format and replay recorded payloads."""
