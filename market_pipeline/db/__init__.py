"""Database access: engine and sessions, types, the upsert write path, validation and the ERD."""
