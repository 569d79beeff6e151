// Reminders and escalations: resolve who must hear it (the actor, or the level of the chain above
// them), write the notification record with its time and level, and leave delivery (e-mail,
// webhooks) to the outbox dispatcher. The key makes a retried activity write one record.
import type { ActivityDeps } from './deps';
import { formatIndonesianDate, formatIndonesianDateTime } from '../domain/format';
import { defaultCalendar } from '../domain/schedule';
import { escalationLabel } from '../domain/escalation-level';
import { parseDeadlineItem, type DeadlineItem, type DeadlineKind } from '../domain/deadline-item';

export interface NotifyInput {
  agreementId: string;
  key: string;
  item: DeadlineItem;
  kind: 'reminder' | 'escalation';
  level: number;
  awaitingPositionId: string | null;
  dueAt: string;
}

const ITEM_TEXT: Record<DeadlineKind, string> = {
  draft: 'menyusun dan mengajukan draf Perjanjian Kinerja',
  review: 'mereviu draf Perjanjian Kinerja bawahan',
  sign: 'menandatangani Perjanjian Kinerja',
  report: 'melaporkan realisasi kinerja Triwulan',
  verify: 'memverifikasi laporan realisasi Triwulan',
  evaluation: 'menyelesaikan evaluasi kinerja akhir tahun',
};

const ROMAN = ['I', 'II', 'III', 'IV'];

/** The sender takes no replies (MAIL_FROM is a no-reply address by default): the mail says so. */
const AUTOMATED = '\n\n—\nPesan ini dikirim otomatis oleh aplikasi Kinerja; mohon tidak membalas e-mail ini.';

/** "Nama (Jabatan)", or the post alone while nobody holds it by name: never a blank before "(". */
export function lateOfficial(awaiting: { official_name: string | null; title: string | null } | undefined): string {
  const name = awaiting?.official_name?.trim();
  const title = awaiting?.title?.trim();
  if (name && title) return `${name} (${title})`;
  return name || (title ? `Pemegang jabatan ${title}` : 'Pemegang jabatan');
}

export function describeItem(item: DeadlineItem): string {
  const subject = parseDeadlineItem(item);
  if (!subject) return item;
  const base = ITEM_TEXT[subject.kind];
  return 'quarter' in subject ? `${base} ${ROMAN[subject.quarter - 1]}` : base;
}

export function createNotifyActivities({ db, publicUrl }: ActivityDeps) {
  return {
    /**
     * `level` in the result is the level the item now stands at: the requested one, or the top of
     * the chain when the calendar demands more levels than there are people above (0 for nobody).
     */
    async notify(input: NotifyInput): Promise<{ higherLevelExists: boolean; recipientPositionId: string | null; level: number }> {
      const agreement = (await db.query(
        `SELECT a.cycle_id, a.position_id, o.title AS owner_title, o.official_name AS owner_name, c.year, g.name AS organisation_name,
                (c.calendar->>'utcOffsetHours')::numeric AS utc_offset_hours
           FROM agreements a JOIN positions o ON o.cycle_id = a.cycle_id AND o.id = a.position_id
           JOIN cycles c ON c.id = a.cycle_id JOIN organisations g ON g.id = c.organisation_id
          WHERE a.id = $1`,
        [input.agreementId],
      )).rows[0];
      const awaiting = input.awaitingPositionId
        ? (await db.query('SELECT id, title, nip, official_name, email, escalation_chain FROM positions WHERE cycle_id = $1 AND id = $2', [agreement.cycle_id, input.awaitingPositionId])).rows[0]
        : null;
      const chain: string[] = awaiting?.escalation_chain ?? [];
      if (input.kind === 'escalation' && chain.length === 0) {
        // nobody above (the Kepala Daerah, or the evaluation team): the overdue flag is the record
        return { higherLevelExists: false, recipientPositionId: null, level: 0 };
      }
      const level = input.kind === 'reminder' ? 0 : Math.min(input.level, chain.length);
      const recipientId = input.kind === 'reminder' ? input.awaitingPositionId : chain[level - 1];
      const recipient = recipientId
        ? (await db.query('SELECT id, title, nip, official_name, email FROM positions WHERE cycle_id = $1 AND id = $2', [agreement.cycle_id, recipientId])).rows[0]
        : null;
      const what = describeItem(input.item);
      const due = formatIndonesianDate(input.dueAt);
      const dueTime = formatIndonesianDateTime(input.dueAt, agreement.utc_offset_hours === null ? defaultCalendar.utcOffsetHours : Number(agreement.utc_offset_hours));
      const link = `${publicUrl}/#/pk/${encodeURIComponent(input.agreementId)}`; // the page's route of a PK
      // Whose PK it is, when the item is not the owner's own (a superior signs or verifies for many
      // subordinates, whose reminders would otherwise read alike); the body always names it.
      const whose = input.awaitingPositionId === agreement.position_id ? '' : ` — PK ${agreement.owner_title}`;
      const pk = `Perjanjian Kinerja ${agreement.owner_title} (${agreement.owner_name}), ${agreement.organisation_name}, tahun ${agreement.year}.`;
      const subject =
        input.kind === 'reminder'
          ? `Pengingat: batas waktu ${what} (${due})${whose}`
          : `${escalationLabel(level, recipient?.title)}: ${awaiting?.title ?? 'tim evaluasi'} belum ${what}${whose}`;
      const body =
        input.kind === 'reminder'
          ? `Yth. ${recipient?.official_name ?? 'Tim Evaluasi'},\n\nMohon segera ${what} paling lambat ${dueTime}.\n${pk}\n\nBuka: ${link}${AUTOMATED}`
          : `Yth. ${recipient?.official_name ?? 'Tim Evaluasi'},\n\n${lateOfficial(awaiting)} belum ${what}; batas waktu ${dueTime} telah terlewati. ` +
            `Mohon tindak lanjut sesuai kewenangan Bapak/Ibu.\n${pk}\n\nBuka: ${link}${AUTOMATED}`;
      await db.query(
        `INSERT INTO notifications (key, agreement_id, item, kind, level, recipient_position, recipient_nip, recipient_email, recipient_name, subject, body, due_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (key) DO NOTHING`,
        [input.key, input.agreementId, input.item, input.kind, level, recipient?.id ?? null, recipient?.nip ?? null,
          recipient?.email ?? null, recipient?.official_name ?? null, subject, body, input.dueAt],
      );
      return { higherLevelExists: input.kind === 'reminder' || level < chain.length, recipientPositionId: recipient?.id ?? null, level };
    },
  };
}
