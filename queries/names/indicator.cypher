// The name index of indicators for forgiving names (queries/names.py): one row per indicator,
// with its aliases and how many values (targets) the documents state.
MATCH (i:Indicator)
OPTIONAL MATCH (i)-[:HAS_TARGET]->(t)
RETURN i.id AS id, i.name AS name, coalesce(i.aliases, []) AS aliases, null AS jurisdiction,
       count(DISTINCT t) AS count
