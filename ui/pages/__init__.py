"""One page per desk role: signin, prescreen, inject, observe, admin."""
