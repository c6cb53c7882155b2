"""`lindung demo`: the Pemda of the seed stories with invented rosters at their scale (spans every app)."""
