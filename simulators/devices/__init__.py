"""Device simulators that speak the real transports (vpcd, pseudo-terminals)."""
