// One agency's tasks by role. Parameter $agency: id, canonical name or name as written.
MATCH (a)-[r:LEADS|PARTICIPATES_IN|RESPONSIBLE_FOR]->(t:Task)
WHERE (a:Agency OR a:AgencyGroup) AND (a.id = $agency OR a.name = $agency OR $agency IN coalesce(a.aliases, []))
MATCH (d:Document {id: t.doc_id})
WHERE ($in_jurisdiction IS NULL OR d.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR d.id IN $in_documents)
RETURN a.id AS agency_id, a.name AS agency_name,
       CASE type(r) WHEN 'LEADS' THEN CASE WHEN r.via IS NULL THEN 'lead' ELSE 'inherited_lead' END
                    WHEN 'PARTICIPATES_IN' THEN 'participant' ELSE 'responsible' END AS role,
       t.id AS task_id, t.doc_id AS doc_id, d.source AS source, t.number AS number, t.title AS title,
       t.domain AS domain, r.as_written AS as_written, t.start AS start
// page
