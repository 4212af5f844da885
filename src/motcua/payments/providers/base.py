"""The interface every payment gateway implements (signed redirect + server callback)."""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

if TYPE_CHECKING:
    from motcua.payments.models import Payment


class ProviderNotConfigured(ImproperlyConfigured):
    """The gateway lacks a setting it needs (secret, merchant code…); online payment is off."""


@dataclass(frozen=True)
class VerifiedResult:
    """What a gateway's signed answer says, once its signature has been checked.

    `valid` is False when the signature (or the merchant code) does not match: then nothing
    else in it may be trusted. `amount` is in đồng (None if absent or malformed).
    """

    valid: bool
    payment_id: int | None = None
    amount: int | None = None
    success: bool = False
    response_code: str = ""
    provider_reference: str = ""
    reason: str = ""  # why it is not valid, for logs (never personal data)
    params: dict[str, str] = field(default_factory=dict)


class CallbackOutcome(StrEnum):
    """How we answered one server callback; each gateway words it its own way."""

    CONFIRMED = "confirmed"  # state recorded (paid, or failed when the gateway says so)
    ALREADY_CONFIRMED = "already_confirmed"  # payment no longer pending: nothing changed
    INVALID_SIGNATURE = "invalid_signature"
    NOT_FOUND = "not_found"
    INVALID_AMOUNT = "invalid_amount"
    ERROR = "error"


class PaymentProvider(ABC):
    """One payment gateway (VNPay, a bank's gateway, the local sandbox…)."""

    #: Short stable name, used in URLs: /thanh-toan/ipn/<identifier>/.
    identifier: str = ""
    #: What the citizen reads, in Vietnamese (marked for translation).
    label: str = ""

    def check_configuration(self) -> None:
        """Raise ProviderNotConfigured when the gateway cannot be used with these settings."""
        return None  # nothing to check by default

    @abstractmethod
    def start(self, payment: "Payment", return_url: str, ipn_url: str) -> str:
        """The URL to send the browser to (the gateway's payment page), signed."""

    @abstractmethod
    def verify_return(self, params: Mapping[str, str]) -> VerifiedResult:
        """Check the parameters the gateway put on the browser's way back (return URL)."""

    @abstractmethod
    def verify_callback(self, params: Mapping[str, str]) -> VerifiedResult:
        """Check the parameters of the gateway's server-to-server callback (IPN)."""

    @abstractmethod
    def callback_response(self, outcome: CallbackOutcome) -> HttpResponse:
        """The answer the gateway expects to an IPN (its own codes and format)."""
