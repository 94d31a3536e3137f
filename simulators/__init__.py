"""medterm: simulators."""
