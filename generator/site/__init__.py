"""``fazhi build`` and ``fazhi serve``: content/reports → site/, planned whole, rendered where
changed, checked and published atomically."""
