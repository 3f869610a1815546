"""STIX 2.1 mapping and the read-only TAXII 2.1 server: what is released to a peer, readable
by partners who run MISP, OpenCTI or any other TAXII client."""
