"""Loading user inputs (templates, CSV/XLSX exports, sample data) into validated models."""
