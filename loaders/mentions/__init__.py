"""Mentions in running text: cited documents, targets stated in sentences, places."""
