"""The pure diff engine: no I/O, no FastAPI. See README "Comparison engine" for the public names."""
