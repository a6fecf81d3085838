// Agencies by the number of tasks they lead, explicit (牵头单位) and inherited from a section.
MATCH (a:Agency)-[r:LEADS]->(t:Task)
WHERE ($in_jurisdiction IS NULL OR a.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR t.doc_id IN $in_documents)
WITH a, count(DISTINCT CASE WHEN r.via IS NULL THEN t END) AS explicit,
        count(DISTINCT CASE WHEN r.via IS NOT NULL THEN t END) AS inherited
RETURN a.id AS agency_id, a.name AS agency_name, explicit, inherited, explicit + inherited AS total
// page
