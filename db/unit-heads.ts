// Which position heads each unit of a cycle: the unit's position nearest the top (least depth,
// then id), the same rule api/ratings.ts uses for the unit's predicate. The Kepala Daerah heads the
// positions without a unit. A unit's budget (pagu, realisasi, serapan) is its head's PK's budget
// lines: the head's Programs; the eselon III's Kegiatan and the eselon IV's Sub-kegiatan break
// those Programs down, so adding them would count the unit's budget two or three times.

/** SQL with the cycle's id as `$1`: the id of each unit's head position, one row per unit. */
export const UNIT_HEAD_IDS_SQL = 'SELECT DISTINCT ON (unit_id) id FROM positions WHERE cycle_id = $1 ORDER BY unit_id, depth, id';
