// One indicator's values year by year in every jurisdiction and document that states them.
// Parameter $indicator: the indicator's id, name or a name as written.
MATCH (i:Indicator)-[:HAS_TARGET]->(t:Target)
WHERE (i.id = $indicator OR i.name = $indicator OR $indicator IN coalesce(i.aliases, [])) AND t.year IS NOT NULL
  AND ($in_jurisdiction IS NULL OR t.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR t.doc_id IN $in_documents)
RETURN i.id AS indicator_id, i.name AS indicator_name, t.id AS target_id, t.jurisdiction AS jurisdiction,
       t.year AS year, t.kind AS kind, t.value AS value, t.comparator AS comparator, t.unit AS unit, t.raw AS raw,
       t.doc_id AS doc_id, t.origin AS origin, t.evidence AS quote
// page
