// Two statements of one indicator's value for the same jurisdiction, year and kind that
// disagree: numbers (in base units, units compatible) that differ, or, when neither is a
// number, texts that differ. Each pair once: documents in id order; within one document,
// the table's value against a sentence's.
MATCH (i:Indicator)-[:HAS_TARGET]->(a:Target), (i)-[:HAS_TARGET]->(b:Target)
WHERE a.year IS NOT NULL AND a.jurisdiction IS NOT NULL AND ($in_jurisdiction IS NULL OR a.jurisdiction = $in_jurisdiction)
  AND a.jurisdiction = b.jurisdiction AND a.year = b.year AND a.kind = b.kind
  AND (a.doc_id < b.doc_id OR (a.doc_id = b.doc_id AND a.origin = 'table' AND b.origin = 'text'))
  AND ((a.base_value IS NOT NULL AND b.base_value IS NOT NULL AND a.base_value <> b.base_value
        AND (a.base_unit IS NULL OR b.base_unit IS NULL OR a.base_unit = b.base_unit))
       OR (a.base_value IS NULL AND b.base_value IS NULL AND coalesce(a.raw, '') <> coalesce(b.raw, '')))
RETURN i.id AS indicator_id, i.name AS indicator_name, a.jurisdiction AS jurisdiction, a.year AS year,
       a.kind AS kind, a.id AS a_target_id, b.id AS b_target_id,
       a.doc_id AS a_doc_id, a.origin AS a_origin, a.raw AS a_raw, a.value AS a_value,
       a.comparator AS a_comparator, a.unit AS a_unit, a.evidence AS a_quote,
       b.doc_id AS b_doc_id, b.origin AS b_origin, b.raw AS b_raw, b.value AS b_value,
       b.comparator AS b_comparator, b.unit AS b_unit, b.evidence AS b_quote
// page
