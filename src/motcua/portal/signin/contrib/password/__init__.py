"""Sign-in with an email address or phone number and a password."""
