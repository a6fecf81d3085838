// The targets an agency owns, and how: table_lead (the 牵头/责任 column of the indicator's
// table row), task_lead / task_responsible (it leads or answers for the task whose sentence
// states the target), inherited_lead (it leads the section the task belongs to).
// Parameter $agency: id, canonical name or name as written.
MATCH (a) WHERE (a:Agency OR a:AgencyGroup) AND (a.id = $agency OR a.name = $agency OR $agency IN coalesce(a.aliases, []))
CALL (a) {
  // The lead column's row: the edge's document and row number are the target cell's.
  MATCH (a)-[r:LEADS]->(i:Indicator)-[:HAS_TARGET]->(t:Target)
  WHERE t.doc_id = r.doc_id AND t.number = r.number AND t.year IS NOT NULL
  RETURN r, i, t, NULL AS task, 'table_lead' AS derived
  UNION ALL
  MATCH (a)-[r:LEADS|RESPONSIBLE_FOR]->(task:Task)-[:SETS_TARGET]->(t:Target)<-[:HAS_TARGET]-(i:Indicator)
  RETURN r, i, t, task, CASE WHEN type(r) = 'RESPONSIBLE_FOR' THEN 'task_responsible'
                             WHEN r.via IS NULL THEN 'task_lead' ELSE 'inherited_lead' END AS derived
}
WITH a, r, i, t, task, derived
WHERE ($in_jurisdiction IS NULL OR t.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR t.doc_id IN $in_documents)
RETURN a.id AS agency_id, a.name AS agency_name, derived, i.id AS indicator_id, i.name AS indicator_name,
       t.id AS target_id, task.id AS task_id, r.as_written AS as_written, t.jurisdiction AS jurisdiction,
       t.year AS year, t.period AS period, t.kind AS kind, t.value AS value, t.comparator AS comparator,
       t.unit AS unit, t.raw AS raw, t.doc_id AS doc_id, t.origin AS origin, t.evidence AS quote
// page
