"""Partner archives (跨馆): the token-guarded API they call, and our federated search of them."""
