"""A report as the archive holds it (``content/reports/<slug>.md``): its front-matter,
sections and anchors, figures, and the slugs it is named by. Imports only core."""
