"""A foreign DRF project that vendors core/: copied with core/ into a folder of its own by the test."""
