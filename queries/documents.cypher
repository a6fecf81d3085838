// Every document read, with the titles it cites (one row per citation).
MATCH (d:Document) WHERE d.source IS NOT NULL AND ($in_jurisdiction IS NULL OR d.jurisdiction = $in_jurisdiction) AND ($in_documents IS NULL OR d.id IN $in_documents)
WITH d, d.id AS doc_id
// page
OPTIONAL MATCH (d)-[c:CITES]->(:Document)
RETURN doc_id, d.source AS source, d.title AS title, d.doc_number AS doc_number, d.issuer AS issuer,
       d.date_written AS date_written, d.date_published AS date_published, d.jurisdiction AS jurisdiction,
       d.doc_type AS doc_type, d.period AS period,
       CASE WHEN c IS NULL THEN NULL ELSE 'cites' END AS field, c.as_written AS item_name, c.order AS item_order
