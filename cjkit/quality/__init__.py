"""quality step of the cjkit flow."""
