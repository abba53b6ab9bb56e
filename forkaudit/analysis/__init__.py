"""The engine: rules x CST, one parse and one pass per file."""
