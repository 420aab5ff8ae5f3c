"""Chat-platform adapters: each translates between one platform and the neutral event model."""
