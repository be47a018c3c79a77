"""Data shipped with the parsers: the States Parties of the Convention (states_parties.csv)."""
