"""Pure calculations over models: the Python half of every workbook formula."""
