"""Structure: a document's metadata block and cover notice, its heading tree and its tasks."""
