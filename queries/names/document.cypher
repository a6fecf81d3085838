// The name index of documents for forgiving names (queries/names.py): the title as name, 文号 and
// file name as aliases, with the document's jurisdiction and how many tasks it sets.
MATCH (d:Document)
OPTIONAL MATCH (t:Task {doc_id: d.id})
RETURN d.id AS id, d.title AS name, [x IN [d.doc_number, d.source] WHERE x IS NOT NULL] AS aliases,
       d.jurisdiction AS jurisdiction, count(DISTINCT t) AS count
