"""catalog step of the cjkit flow."""
