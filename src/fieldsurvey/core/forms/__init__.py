"""XLSForm loading, the typed form tree, the expression language and record evaluation."""
