// A task's history: every link between tasks that are the same work, from this task on
// through the links (plan task ↔ reform-list row ↔ work point ↔ report line), with each
// link's confidence and evidence. Parameter $task: a task id or a task's exact title.
MATCH (s:Task) WHERE s.id = $task OR s.title = $task
CALL (s) {
  MATCH (s)-[:SAME_WORK_AS*0..]-(x:Task)
  WITH DISTINCT x
  MATCH (x)-[c:SAME_WORK_AS]-(:Task)
  WITH DISTINCT c
  MATCH (f:Task)-[c]->(t:Task)
  MATCH (fd:Document {id: f.doc_id}), (td:Document {id: t.doc_id})
  RETURN f, t, c, coalesce(fd.date_written, fd.date_published) AS from_date,
         coalesce(td.date_written, td.date_published) AS to_date
  UNION ALL
  WITH s WHERE NOT EXISTS { (s)-[:SAME_WORK_AS]-(:Task) }
  RETURN NULL AS f, NULL AS t, NULL AS c, NULL AS from_date, NULL AS to_date
}
RETURN s.id AS task_id, s.title AS task_title, s.doc_id AS task_doc_id,
       f.id AS from_id, f.doc_id AS from_doc_id, f.part AS from_part, f.number AS from_number, f.title AS from_title,
       from_date, t.id AS to_id, t.doc_id AS to_doc_id, t.part AS to_part, t.number AS to_number,
       t.title AS to_title, to_date, c.confidence AS confidence, c.method AS method, c.evidence AS evidence
