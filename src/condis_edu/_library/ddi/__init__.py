"""DDI implementations, one module per concept; ``condis_edu.ndis`` re-exports them."""
