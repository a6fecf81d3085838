// Agencies × domains: tasks led, inherited, taken part in, responsible for.
MATCH (a:Agency)-[r:LEADS|PARTICIPATES_IN|RESPONSIBLE_FOR]->(t:Task)
WHERE ($in_jurisdiction IS NULL OR a.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR t.doc_id IN $in_documents)
WITH a, t.domain AS domain, r, t
RETURN a.id AS agency_id, a.name AS agency_name, a.jurisdiction AS jurisdiction, domain,
       count(DISTINCT CASE WHEN type(r) = 'LEADS' AND r.via IS NULL THEN t END) AS lead,
       count(DISTINCT CASE WHEN type(r) = 'LEADS' AND r.via IS NOT NULL THEN t END) AS inherited_lead,
       count(DISTINCT CASE WHEN type(r) = 'PARTICIPATES_IN' THEN t END) AS participant,
       count(DISTINCT CASE WHEN type(r) = 'RESPONSIBLE_FOR' THEN t END) AS responsible,
       count(DISTINCT t) AS total
// page
