"""Exceptions raised by provider clients.

Each exception carries the values that identify the failed call (provider, endpoint, symbol)
and states what to do next, so that an asset can fail a partition with a message a user can act on.
"""

from __future__ import annotations


class ProviderError(Exception):
    """A provider call failed; nothing from it may be stored."""

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        endpoint: str | None = None,
        symbol: str | None = None,
        attempts: int | None = None,
    ) -> None:
        self.provider = provider
        self.endpoint = endpoint
        self.symbol = symbol
        self.attempts = attempts
        super().__init__(message)


class ProviderUnavailableError(ProviderError):
    """The provider kept failing (429, 5xx, timeout, malformed body) after every retry."""


class ProviderConfigurationError(ProviderError):
    """The provider rejected our credentials or settings (401/403, wrong base URL); not retried."""


class ProviderResponseError(ProviderError):
    """The provider returned 2xx with a body that cannot be parsed into records."""


class EmptyResultError(ProviderError):
    """The provider returned no data where data must exist (a symbol with no bars in range)."""
