"""coding step of the cjkit flow."""
