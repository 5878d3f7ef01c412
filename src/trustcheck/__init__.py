"""trustcheck: a private check-in on how a mentor and mentee build trust."""

__version__ = "0.1.0"
