// What a PK's PDF is made of, read from the records: the signing activity renders it to sign, and
// the page previews the very same thing before the first signature.
import type { Pool } from 'pg';
import type { AgreementPdfInput } from '../documents';

export interface AgreementPdfSource {
  orgId: string;
  orgName: string;
  unitName: string | null;
  year: number;
  place: string;
  first: { name: string; title: string; nip: string | null };
  second: { name: string; title: string; nip: string | null } | null;
  /** The PDF input dated `at` in the cycle's time zone. */
  input(at: Date): AgreementPdfInput;
}

export async function loadAgreementPdfSource(db: Pool, agreementId: string, version: number): Promise<AgreementPdfSource | null> {
  const { rows } = await db.query(
    `SELECT c.year, c.calendar, o.id AS org_id, o.name AS org_name, o.place, u.name AS unit_name,
            p.title, p.official_name, p.nip, p.level,
            sp.title AS s_title, sp.official_name AS s_name, sp.nip AS s_nip,
            v.content
       FROM agreements a
       JOIN cycles c ON c.id = a.cycle_id
       JOIN organisations o ON o.id = c.organisation_id
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
       LEFT JOIN positions sp ON sp.cycle_id = a.cycle_id AND sp.id = p.parent_id
       LEFT JOIN units u ON u.cycle_id = a.cycle_id AND u.id = p.unit_id
       JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = $2
      WHERE a.id = $1`,
    [agreementId, version],
  );
  const r = rows[0];
  if (!r) return null;
  const first = { name: r.official_name, title: r.title, nip: r.nip };
  // the Kepala Daerah's statement is signed alone
  const second = r.level === 'KEPALA_DAERAH' || !r.s_title ? null : { name: r.s_name, title: r.s_title, nip: r.s_nip };
  const utcOffsetHours = Number(r.calendar?.utcOffsetHours ?? 7);
  return {
    orgId: r.org_id,
    orgName: r.org_name,
    unitName: r.unit_name,
    year: r.year,
    place: r.place,
    first,
    second,
    input: (at) => ({
      organisation: r.org_name,
      unitName: r.unit_name,
      year: r.year,
      place: r.place,
      date: localDate(at, utcOffsetHours),
      firstParty: first,
      secondParty: second,
      content: r.content,
    }),
  };
}

/** The calendar date printed on the PK, in the organisation's zone. */
function localDate(at: Date, utcOffsetHours: number): string {
  return new Date(at.getTime() + utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
}
