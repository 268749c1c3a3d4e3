"""briefbot's retrieval library: briefing files in, verbatim quotes with citations out."""
