"""The plan's tables: columns (:mod:`.columns`), rows (:mod:`.rows`), file variants
(:mod:`.formats`), CSV formula safety (:mod:`.csv_safety`), Shift_JIS (:mod:`.cp932`), CSV and
JSON writers (:mod:`.writers`), and their description (:mod:`.datapackage`)."""
