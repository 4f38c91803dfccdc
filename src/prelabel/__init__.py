"""prelabel."""
