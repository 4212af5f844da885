"""A local sandbox gateway in the style of VNPay (signed redirect + server callback, IPN)."""
