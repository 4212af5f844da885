"""motcua — một cửa: software for Vietnamese Public Administrative Service Centers."""
