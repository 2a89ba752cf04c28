"""The HTTP service: SPARQL endpoint, traceability API, linked data and pages."""
