"""plot step of the cjkit flow."""
