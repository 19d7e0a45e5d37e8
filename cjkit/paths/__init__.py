"""paths step of the cjkit flow."""
