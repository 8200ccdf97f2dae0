"""topicstance: sentence-level topic and stance classification for news about the US-Mexico border."""

__version__ = "0.1.0"
