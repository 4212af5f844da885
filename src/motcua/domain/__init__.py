"""Pure domain logic: no Django imports, unit-tested fast."""
