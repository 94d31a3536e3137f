"""medterm: drivers."""
