// The name index of agencies (and groups) for forgiving names (queries/names.py): one row per
// agency, with its aliases, jurisdiction and how many tasks it leads, joins or answers for.
MATCH (a) WHERE a:Agency OR a:AgencyGroup
OPTIONAL MATCH (a)-[:LEADS|PARTICIPATES_IN|RESPONSIBLE_FOR]->(t:Task)
RETURN a.id AS id, a.name AS name, coalesce(a.aliases, []) AS aliases, a.jurisdiction AS jurisdiction,
       count(DISTINCT t) AS count
