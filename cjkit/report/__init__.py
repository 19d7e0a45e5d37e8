"""report step of the cjkit flow."""
