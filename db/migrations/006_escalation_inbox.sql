-- Whom an overdue item has been escalated to, on the agreements read model: the position ids of
-- the awaited official's escalation chain up to the level reached (empty when nothing is overdue).
-- Written with the rest of the row at each transition, so "escalated to me" in the inbox is one
-- GIN lookup, like the lineage, however many items are overdue in the cycle.
ALTER TABLE agreements ADD COLUMN IF NOT EXISTS escalated_to text[] NOT NULL DEFAULT '{}';

-- Rows stored before this column: the chain of whoever is awaited, up to the stored level (and
-- never past the chain's end: older runs could record a level above the top).
UPDATE agreements a SET escalated_to = p.escalation_chain[1:least(a.escalation_level, cardinality(p.escalation_chain))]
  FROM positions p
 WHERE a.overdue AND a.escalation_level > 0 AND a.escalated_to = '{}'
   AND p.cycle_id = a.cycle_id AND p.id = a.awaiting_position;

CREATE INDEX IF NOT EXISTS agreements_by_escalated_to ON agreements USING gin (escalated_to);
