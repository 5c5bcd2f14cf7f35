"""The ingest API (SPEC section 6): customer-reported engagement attributes and the
conversations feed, authenticated by connector key."""
