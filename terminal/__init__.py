"""medterm: terminal."""
