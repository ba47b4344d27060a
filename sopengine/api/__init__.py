"""HTTP: thin routes over the services."""
