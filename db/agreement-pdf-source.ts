// What a PK's PDF is made of, read from the records: the signing activity renders it to sign, and
// the page previews the very same thing before the first signature. The signing activity reads it
// together with what else it needs before signing (loadSigningSource).
import type { Pool } from 'pg';
import type { AgreementPdfInput } from '../documents';
import { budgetLinesFor } from '../documents/agreement-input';

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

const SOURCE_COLUMNS = `c.year, c.calendar, o.id AS org_id, o.name AS org_name, o.place, u.name AS unit_name,
            p.title, p.official_name, p.nip, p.level,
            sp.title AS s_title, sp.official_name AS s_name, sp.nip AS s_nip,
            v.content, v.version AS v_version`;
const SOURCE_JOINS = `FROM agreements a
       JOIN cycles c ON c.id = a.cycle_id
       JOIN organisations o ON o.id = c.organisation_id
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
       LEFT JOIN positions sp ON sp.cycle_id = a.cycle_id AND sp.id = p.parent_id
       LEFT JOIN units u ON u.cycle_id = a.cycle_id AND u.id = p.unit_id
       JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = $2`;

export async function loadAgreementPdfSource(db: Pool, agreementId: string, version: number): Promise<AgreementPdfSource | null> {
  const { rows } = await db.query(`SELECT ${SOURCE_COLUMNS} ${SOURCE_JOINS} WHERE a.id = $1`, [agreementId, version]);
  return rows[0] ? sourceOf(rows[0]) : null;
}

/** What the signing activity reads before it signs one party's signature on a version. */
export interface SigningSource {
  source: AgreementPdfSource;
  /** This party's signature, when already stored (a retry). */
  stored: { id: string; sha256: string; signerNip: string; signedAt: Date } | null;
  /** The first party's signed document (its bytes only when `party` is the second). */
  first: { signerNip: string; bytes: Buffer | null; caId: string | null } | null;
}

/**
 * The PDF source, this party's stored signature and the first party's document (and the CA of its
 * signer's current certificate) in one round trip: null when the agreement or the version's content
 * is missing (a stored signature then needs its own look-up).
 */
export async function loadSigningSource(db: Pool, agreementId: string, version: number, party: 'first' | 'second'): Promise<SigningSource | null> {
  const { rows } = await db.query({
    // Named, so each connection plans this eight-table join once (a prepared statement) rather than
    // on every signature: planning took about 1 ms of the query's 1.5.
    name: 'signing-source',
    text: `SELECT ${SOURCE_COLUMNS},
            d.id AS d_id, d.sha256 AS d_sha256, d.signer_nip AS d_signer_nip, d.signed_at AS d_signed_at,
            f.signer_nip AS f_signer_nip, CASE WHEN $3 = 'second' THEN f.bytes END AS f_bytes,
            (SELECT sc.ca_id FROM signing_credential sc WHERE sc.signer_id = f.signer_nip) AS f_ca_id
       ${SOURCE_JOINS}
       LEFT JOIN documents d ON d.agreement_id = a.id AND d.version = $2 AND d.party = $3
       LEFT JOIN documents f ON f.agreement_id = a.id AND f.version = $2 AND f.party = 'first'
      WHERE a.id = $1`,
    values: [agreementId, version, party],
  });
  const r = rows[0];
  if (!r) return null;
  return {
    source: sourceOf(r),
    stored: r.d_id ? { id: r.d_id, sha256: r.d_sha256, signerNip: r.d_signer_nip, signedAt: new Date(r.d_signed_at) } : null,
    first: r.f_signer_nip ? { signerNip: r.f_signer_nip, bytes: r.f_bytes ?? null, caId: r.f_ca_id ?? null } : null,
  };
}

function sourceOf(r: Record<string, any>): AgreementPdfSource {
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
      ...(Number(r.v_version) > 1 ? { revision: true as const } : {}),
      ...budgetLinesFor(r.level),
    }),
  };
}

/** The calendar date printed on the PK, in the organisation's zone. */
function localDate(at: Date, utcOffsetHours: number): string {
  return new Date(at.getTime() + utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
}
