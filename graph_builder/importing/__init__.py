"""Keeping data/ current: read a saved Treaty Office chart, compare it with data/, apply it on request.

- ``chart``: the saved HTML page -> rows (State name, dates, flags), every unreadable row with its line
- ``names``: State names as the charts spell them -> ISO 3166-1 alpha-3 codes
- ``acts_diff``: chart rows against data/acts.csv -> a reviewable list of changes; writing them to data/
"""
