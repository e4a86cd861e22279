"""The command line: argument parsing and each command."""
