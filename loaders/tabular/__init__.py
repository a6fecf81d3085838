"""Tables: found by their header row, read into rows, and turned into indicators, tasks and projects."""
