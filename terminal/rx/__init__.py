"""E-prescriptions (处方流转) at the pharmacy, and drug prices across pharmacies (药价通)."""
