"""Column layouts of the files lindung writes for BPJS TK's portals (data: `*.toml`); see billing/exports.py."""
