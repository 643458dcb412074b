"""The search index (检索): segmenting text into terms, encoding postings, and the files the
search page loads, kept up to date report by report."""
