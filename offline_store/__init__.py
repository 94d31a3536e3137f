"""medterm: offline_store."""
