"""The data: the codebook, reading the tables, validating them, and the view of them as known on a date."""
