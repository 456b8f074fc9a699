"""peerhelp: a grounded, cited help assistant for the Medi-Cal Peer Support Specialist certification."""

__version__ = "0.1.0"
