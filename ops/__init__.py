"""Running mpp for real: doctor, alerts, backup and restore, retention, logs and metrics."""
