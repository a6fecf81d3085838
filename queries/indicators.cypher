// Every indicator row of every document: its lead and its values by period.
MATCH (d:Document)-[c:CONTAINS]->(i:Indicator)
WHERE c.number IS NOT NULL AND ($in_jurisdiction IS NULL OR d.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR d.id IN $in_documents)
WITH d, c, i, i.id AS indicator_id, c.doc_id AS doc_id, c.number AS number
// page
CALL (d, c, i) {
  MATCH (a)-[r:LEADS]->(i) WHERE r.doc_id = c.doc_id AND r.number = c.number
  RETURN 'lead' AS field, a.id AS item_id, a.name AS item_name, r.as_written AS item_as_written,
         NULL AS item_key, r.order AS item_order
  UNION ALL
  MATCH (i)-[:HAS_TARGET]->(tg:Target) WHERE tg.doc_id = c.doc_id AND tg.number = c.number
  RETURN 'values' AS field, NULL AS item_id, tg.raw AS item_name, NULL AS item_as_written,
         tg.period AS item_key, tg.order AS item_order
  UNION ALL
  RETURN NULL AS field, NULL AS item_id, NULL AS item_name, NULL AS item_as_written, NULL AS item_key,
         NULL AS item_order
}
RETURN indicator_id, doc_id, d.source AS source, number, c.name AS name,
       c.unit AS unit, c.domain AS domain, field, item_id, item_name, item_as_written, item_key, item_order
