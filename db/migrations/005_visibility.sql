-- Who sees which PK, without walking the tree per request: each agreement carries its lineage, the
-- agreement ids from the head of the region down to itself. An official sees the agreements whose
-- lineage contains one of the agreements they hold (their own and everything below it). The tree
-- of a cycle is fixed at import, so the lineage never changes; a change of official changes only
-- who holds a position.
ALTER TABLE agreements ADD COLUMN IF NOT EXISTS lineage text[];

-- Backfill rows stored before this column: walk up from each agreement's position.
WITH RECURSIVE up AS (
  SELECT a.id AS agreement_id, a.cycle_id, a.position_id AS position_id, 0 AS height
    FROM agreements a WHERE a.lineage IS NULL
  UNION ALL
  SELECT up.agreement_id, up.cycle_id, p.parent_id, up.height + 1
    FROM up JOIN positions p ON p.cycle_id = up.cycle_id AND p.id = up.position_id
   WHERE p.parent_id IS NOT NULL AND up.height < 64
)
UPDATE agreements a SET lineage = l.ids
  FROM (SELECT up.agreement_id, array_agg('pk:' || c.organisation_id || ':' || c.year || ':' || up.position_id ORDER BY up.height DESC) AS ids
          FROM up JOIN cycles c ON c.id = up.cycle_id GROUP BY up.agreement_id) l
 WHERE a.id = l.agreement_id;

ALTER TABLE agreements ALTER COLUMN lineage SET DEFAULT '{}';
UPDATE agreements SET lineage = '{}' WHERE lineage IS NULL;
ALTER TABLE agreements ALTER COLUMN lineage SET NOT NULL;
CREATE INDEX IF NOT EXISTS agreements_by_lineage ON agreements USING gin (lineage);
