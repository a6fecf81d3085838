// The name index of tasks for forgiving names (queries/names.py): the title as name, the
// jurisdiction of the task's document, and how many tasks are linked to it as the same work.
MATCH (t:Task)
OPTIONAL MATCH (d:Document {id: t.doc_id})
OPTIONAL MATCH (t)-[:SAME_WORK_AS]-(o:Task)
RETURN t.id AS id, t.title AS name, [] AS aliases, d.jurisdiction AS jurisdiction, count(DISTINCT o) AS count
