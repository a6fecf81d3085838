// Every island the documents name, with the roles they give it and the quotes that say so.
// An island is of the jurisdiction it is part of, and of the documents that mention it.
MATCH (i:Island) WHERE EXISTS { ()-[:MENTIONS]->(i) }
  AND ($in_jurisdiction IS NULL OR EXISTS { (i)-[:PART_OF]->(j) WHERE j.name = $in_jurisdiction })
  AND ($in_documents IS NULL OR EXISTS { ()-[m:MENTIONS]->(i) WHERE m.doc_id IN $in_documents })
WITH i, i.name AS name, i.id AS island_id
// page
CALL (i) {
  UNWIND coalesce(i.aliases, []) AS alias
  RETURN 'aliases' AS field, alias AS item_name, NULL AS item_doc, NULL AS item_quote, NULL AS item_order
  UNION ALL
  MATCH ()-[r:MENTIONS]->(i) WHERE r.role IS NOT NULL
  RETURN 'roles' AS field, r.role AS item_name, NULL AS item_doc, NULL AS item_quote, NULL AS item_order
  UNION ALL
  MATCH ()-[r:MENTIONS]->(i) WHERE r.role IS NOT NULL
  RETURN 'evidence' AS field, NULL AS item_name, r.doc_id AS item_doc, coalesce(r.evidence, r.quote) AS item_quote,
         r.start AS item_order
  UNION ALL
  RETURN NULL AS field, NULL AS item_name, NULL AS item_doc, NULL AS item_quote, NULL AS item_order
}
RETURN island_id, name, field, item_name, item_doc, item_quote, item_order
