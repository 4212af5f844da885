"""Payment gateways behind one small interface (as Open Forms does for its payment plugins)."""
