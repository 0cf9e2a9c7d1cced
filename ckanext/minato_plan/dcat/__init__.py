"""DCAT-AP 3 output of the portal: the RDF profile (``profile``), the pure mapping it reads
(``mapping``), the catalog cache (``cache``) and the RDF endpoints for our dataset types
(``views``)."""
