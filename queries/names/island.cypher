// The name index of islands for forgiving names (queries/names.py): one row per island, with its
// aliases, the jurisdiction it is part of and how many documents, tasks and projects mention it.
MATCH (i:Island)
OPTIONAL MATCH (i)-[:PART_OF]->(j)
OPTIONAL MATCH (m)-[:MENTIONS]->(i)
RETURN i.id AS id, i.name AS name, coalesce(i.aliases, []) AS aliases, j.name AS jurisdiction,
       count(DISTINCT m) AS count
