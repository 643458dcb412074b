"""The ground every stage stands on: problems (one line each), digests, atomic writes, the
build cache's shelf, progress bars. Imports nothing else of fazhi."""
