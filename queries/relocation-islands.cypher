// Islands that documents say people are to be moved away from.
MATCH (i:Island) WHERE EXISTS { ()-[:MENTIONS {role: 'relocation-source'}]->(i) }
CALL (i) {
  UNWIND coalesce(i.aliases, []) AS alias
  RETURN 'aliases' AS field, alias AS item_name, NULL AS item_doc, NULL AS item_quote, NULL AS item_order
  UNION ALL
  MATCH ()-[r:MENTIONS]->(i) WHERE r.role IS NOT NULL
  RETURN 'roles' AS field, r.role AS item_name, NULL AS item_doc, NULL AS item_quote, NULL AS item_order
  UNION ALL
  MATCH ()-[r:MENTIONS]->(i) WHERE r.role = 'relocation-source'
  RETURN 'evidence' AS field, NULL AS item_name, r.doc_id AS item_doc, coalesce(r.evidence, r.quote) AS item_quote,
         r.start AS item_order
  UNION ALL
  RETURN NULL AS field, NULL AS item_name, NULL AS item_doc, NULL AS item_quote, NULL AS item_order
}
RETURN i.id AS island_id, i.name AS name, field, item_name, item_doc, item_quote, item_order
