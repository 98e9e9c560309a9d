"""Provider clients: HTTP I/O, pure parsers and typed records, one package per provider."""
