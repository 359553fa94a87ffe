"""A local itslearning stand-in speaking the same SOAP operations as the real services (never in the layer)."""

from itslearning_standin.server import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer

__all__ = ["SANDBOX_PASSWORD", "SANDBOX_USERNAME", "StandinServer"]
