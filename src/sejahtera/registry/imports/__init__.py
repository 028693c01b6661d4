"""Bulk import of household/person lists (DTKS/DTSEN exports or any list).

`layout` names the fields and reads files; `rows` turns one file row into a clean staged
row or the reasons it fails; `loader` stages the rows (COPY on PostgreSQL) and merges them
into the registry with set-based SQL, all or nothing."""
