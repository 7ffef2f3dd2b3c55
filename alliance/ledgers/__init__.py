"""Open-book ledgers: providers' budget ledgers uploaded as spreadsheets, kept as versions."""
