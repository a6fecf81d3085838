// Every task; list-valued fields come one item per row (field + item_* columns).
MATCH (d:Document)-[:CONTAINS]->(t:Task)
WHERE ($in_jurisdiction IS NULL OR d.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR t.doc_id IN $in_documents)
WITH d, t, t.doc_id AS doc_id, t.start AS start, t.id AS task_id
// page
CALL (t) {
  MATCH (a)-[r:LEADS]->(t)
  RETURN CASE WHEN r.via IS NULL THEN 'lead' ELSE 'inherited_lead' END AS field, a.id AS item_id,
         a.name AS item_name, r.as_written AS item_as_written, NULL AS item_role, r.order AS item_order
  UNION ALL
  MATCH (a)-[r:PARTICIPATES_IN]->(t)
  RETURN 'participants' AS field, a.id AS item_id, a.name AS item_name, r.as_written AS item_as_written,
         NULL AS item_role, r.order AS item_order
  UNION ALL
  MATCH (a)-[r:RESPONSIBLE_FOR]->(t)
  RETURN 'responsible' AS field, a.id AS item_id, a.name AS item_name, r.as_written AS item_as_written,
         NULL AS item_role, r.order AS item_order
  UNION ALL
  MATCH (p:Person)-[r:ACCOUNTABLE_FOR]->(t)
  RETURN 'persons' AS field, NULL AS item_id, p.name AS item_name, NULL AS item_as_written, NULL AS item_role,
         r.order AS item_order
  UNION ALL
  UNWIND coalesce(t.deadline_years, []) AS y
  RETURN 'deadline_years' AS field, NULL AS item_id, toString(y) AS item_name, NULL AS item_as_written,
         NULL AS item_role, y AS item_order
  UNION ALL
  MATCH (t)-[r:MENTIONS]->(pl)
  RETURN 'places' AS field, NULL AS item_id, pl.name AS item_name, NULL AS item_as_written, r.role AS item_role,
         r.start AS item_order
  UNION ALL
  RETURN NULL AS field, NULL AS item_id, NULL AS item_name, NULL AS item_as_written, NULL AS item_role,
         NULL AS item_order
}
RETURN task_id, doc_id, d.source AS source, t.part AS part, t.number AS number,
       t.title AS title, t.domain AS domain, start,
       field, item_id, item_name, item_as_written, item_role, item_order
