"""Staff progress upload: parsing and validating a progress CSV (:mod:`.parsing`) and the
change set it makes (:mod:`.changes`)."""
