"""The dashboards keep no records of their own: their figures are computed from the other
apps' data (and cached: see `dashboards.cache`)."""
