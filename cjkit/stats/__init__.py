"""stats step of the cjkit flow."""
