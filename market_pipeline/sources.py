"""Names of the `data_source` rows: every writer of a row is one of these."""

YAHOO = "yahoo"
SAXO = "saxo"
LLM = "llm"
OFFLINE_WRITER = "offline-writer"
