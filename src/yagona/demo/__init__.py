"""Demo data for `make demo`: its own top room, so that no lower room depends on it."""
