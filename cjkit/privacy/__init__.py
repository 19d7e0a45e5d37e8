"""Personal data in verbatims: finding and masking it (used by every step that shows or stores text)."""
