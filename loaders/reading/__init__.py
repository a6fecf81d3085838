"""Reading: a document's bytes -> flattened text (paragraphs one per line, tables as tab rows).

:mod:`~policykg.loaders.reading.readers` chooses the reader by what the bytes are; every
reader writes the convention of :mod:`~policykg.loaders.reading.flatten` and fails with a
:class:`~policykg.loaders.errors.LoaderError` naming the file.
"""
