// The facts of two documents that document-diff compares (queries/diff.py, one step shared
// by every backend): each task, the agencies leading it, its same-work links and the dated
// targets the document states; and the document itself, so a name naming none is an error.
// Parameters $from and $to: id, title, 文号 or file name.
UNWIND [['from', $from], ['to', $to]] AS wanted
MATCH (d:Document)
WHERE wanted[1] IN [d.id, d.title, d.doc_number, d.source]
CALL (d) {
  RETURN 'document' AS fact, NULL AS task_id, {} AS m
  UNION ALL
  MATCH (t:Task {doc_id: d.id})
  RETURN 'task' AS fact, t.id AS task_id, {part: t.part, number: t.number, title: t.title, domain: t.domain,
         start: t.start} AS m
  UNION ALL
  // named or inherited: one fact per agency and task
  MATCH (a)-[:LEADS]->(t:Task {doc_id: d.id})
  WITH DISTINCT a, t
  RETURN 'lead' AS fact, t.id AS task_id, {agency_id: a.id, agency_name: a.name} AS m
  UNION ALL
  MATCH (t:Task {doc_id: d.id})-[c:SAME_WORK_AS]-(o:Task)
  RETURN 'link' AS fact, t.id AS task_id, {other_task_id: o.id, other_doc_id: o.doc_id, confidence: c.confidence,
         method: c.method} AS m
  UNION ALL
  MATCH (i:Indicator)-[:HAS_TARGET]->(g:Target {doc_id: d.id})
  WHERE g.year IS NOT NULL
  OPTIONAL MATCH (t:Task)-[:SETS_TARGET]->(g)
  RETURN 'target' AS fact, t.id AS task_id, {target_id: g.id, indicator_id: i.id, indicator_name: i.name,
         year: g.year, kind: g.kind, value: g.value, comparator: g.comparator, unit: g.unit, raw: g.raw,
         origin: g.origin, quote: g.evidence} AS m
}
RETURN fact, wanted[0] AS side, d.id AS doc_id, task_id, m.part AS part, m.number AS number, m.title AS title,
       m.domain AS domain, m.start AS start, m.agency_id AS agency_id, m.agency_name AS agency_name,
       m.other_task_id AS other_task_id, m.other_doc_id AS other_doc_id, m.confidence AS confidence,
       m.method AS method, m.target_id AS target_id, m.indicator_id AS indicator_id,
       m.indicator_name AS indicator_name, m.year AS year, m.kind AS kind, m.value AS value,
       m.comparator AS comparator, m.unit AS unit, m.raw AS raw, m.origin AS origin, m.quote AS quote
