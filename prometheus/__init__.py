"""The Prometheus side of the stack: ``python -m prometheus.generate`` renders the alert rules."""
