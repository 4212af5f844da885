from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class SmsResult:
    accepted: bool
    reference: str = ""
    error: str = ""


class SmsGateway(ABC):
    """Sends one text message to one Vietnamese phone number (0xxxxxxxxx)."""

    identifier: str = ""

    @abstractmethod
    def send(self, *, phone: str, text: str) -> SmsResult: ...
