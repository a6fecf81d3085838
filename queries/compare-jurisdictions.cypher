// The values of one indicator for one year that two or more jurisdictions state, side by side.
MATCH (i:Indicator)-[:HAS_TARGET]->(t:Target)
WHERE t.year IS NOT NULL AND t.jurisdiction IS NOT NULL
  AND ($in_jurisdiction IS NULL OR t.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR t.doc_id IN $in_documents)
  AND EXISTS {
    MATCH (i)-[:HAS_TARGET]->(other:Target)
    WHERE other.year = t.year AND other.jurisdiction IS NOT NULL AND other.jurisdiction <> t.jurisdiction
  }
RETURN i.id AS indicator_id, i.name AS indicator_name, t.id AS target_id, t.jurisdiction AS jurisdiction,
       t.year AS year, t.kind AS kind, t.value AS value, t.comparator AS comparator, t.unit AS unit, t.raw AS raw,
       t.doc_id AS doc_id, t.origin AS origin, t.evidence AS quote
// page
