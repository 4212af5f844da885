"""The interface every sign-in provider implements."""

from abc import ABC, abstractmethod

from django.http import HttpRequest, HttpResponse

from motcua.accounts.models import User


class SignInFailed(Exception):
    """A sign-in that did not succeed. str(exc) is the message for the person; `form` (if any)
    is the bound form to show again with its errors."""

    def __init__(self, message: str, *, form=None):
        super().__init__(message)
        self.form = form


class SignInProvider(ABC):
    """One way of proving who you are (password, VNeID…)."""

    #: Short stable name used in URLs: /dang-nhap/<identifier>/.
    identifier: str = ""
    #: What the button or heading says, in Vietnamese (marked for translation).
    label: str = ""

    @abstractmethod
    def start(self, request: HttpRequest) -> HttpResponse:
        """Begin: show the provider's form, or redirect to the identity provider."""

    @abstractmethod
    def complete(self, request: HttpRequest) -> User:
        """Finish: check the submitted form or the identity provider's answer.

        Returns the active user to sign in; raises SignInFailed otherwise.
        """
