"""The build: state, execution, assembly, export, PDF, publishing, editions."""
