"""sopengine: the service of record for inter-ministerial Standard Operating Procedures."""

__version__ = "0.1.0"
