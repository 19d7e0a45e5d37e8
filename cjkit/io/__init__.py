"""io step of the cjkit flow."""
