"""Domain value types: money, fee items, the settlement breakdown."""
