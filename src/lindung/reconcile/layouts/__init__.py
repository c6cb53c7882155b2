"""Column layouts of the files lindung reads from BPJS TK and BKN for reconciliation (data: `*.toml`)."""
