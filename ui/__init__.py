"""medterm: ui."""
