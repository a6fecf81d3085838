// Every project with the units and persons that answer for it.
MATCH (d:Document)-[:CONTAINS]->(p:Project)
WHERE ($in_jurisdiction IS NULL OR d.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR p.doc_id IN $in_documents)
WITH d, p, p.id AS project_id, p.doc_id AS doc_id, p.start AS start
// page
CALL (p) {
  MATCH (a)-[r:RESPONSIBLE_FOR]->(p)
  RETURN 'responsible_units' AS field, a.id AS item_id, a.name AS item_name, r.as_written AS item_as_written,
         r.order AS item_order
  UNION ALL
  MATCH (x:Person)-[r:ACCOUNTABLE_FOR]->(p)
  RETURN 'persons' AS field, NULL AS item_id, x.name AS item_name, NULL AS item_as_written, r.order AS item_order
  UNION ALL
  RETURN NULL AS field, NULL AS item_id, NULL AS item_name, NULL AS item_as_written, NULL AS item_order
}
RETURN project_id, doc_id, d.source AS source, start, p.number AS number,
       p.name AS name, p.domain AS domain, p.location AS location, p.investment_yi_yuan AS investment_yi_yuan,
       p.period AS period, p.kind AS kind, field, item_id, item_name, item_as_written, item_order
