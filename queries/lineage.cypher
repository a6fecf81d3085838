// What a document implements (the documents it cites, and theirs, upward), who implements it
// (the documents citing it, and theirs, downward) and the documents of its jurisdiction that
// share tasks with it. One row per relation. Parameter $document: id, title, 文号 or file name.
MATCH (s:Document)
WHERE s.id = $document OR s.title = $document OR s.doc_number = $document OR s.source = $document
CALL (s) {
  MATCH (s)-[:CITES*0..]->(f:Document)
  WITH DISTINCT f
  MATCH (f)-[c:CITES]->(t:Document)
  RETURN 'implements' AS direction, f, t, c
  UNION ALL
  MATCH (t:Document)-[:CITES*0..]->(s)
  WITH DISTINCT t
  MATCH (f:Document)-[c:CITES]->(t)
  RETURN 'implemented-by' AS direction, f, t, c
  UNION ALL
  MATCH (f:Document)-[c:SHARES_TASKS_WITH]->(t:Document) WHERE f = s OR t = s
  RETURN 'same-jurisdiction' AS direction, f, t, c
}
RETURN s.id AS document_id, s.title AS document_title, direction,
       f.id AS from_id, f.title AS from_title, f.doc_number AS from_doc_number, f.level AS from_level,
       f.jurisdiction AS from_jurisdiction,
       t.id AS to_id, t.title AS to_title, t.doc_number AS to_doc_number, t.level AS to_level,
       t.jurisdiction AS to_jurisdiction,
       c.quote AS quote, c.shared_tasks AS shared_tasks, c.confidence AS confidence
// page
