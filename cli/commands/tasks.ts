// `kinerja tasks --nip NIP` (or `--official ID`): an official's inbox, oldest due first, up to
// `--limit` items (the API's own bounds and default apply; a bad limit gets its 400), then what
// has been escalated to them.
import { apiClient } from '../../api/client';
import { DEFAULT_UTC_OFFSET_HOURS, timeZoneOf } from '../../domain/time-zones';
import { parseOptions, UsageError, type Command } from '../command';
import { ID_HINT, tokenClaims } from './token';

/** "2026-01-10 23:59 WITA": the due minute in the PK's region's zone, as the page and the mails say it. */
function minute(at: string | null, utcOffsetHours: number | undefined): string {
  if (!at) return '—';
  const zone = timeZoneOf(utcOffsetHours);
  const local = new Date(new Date(at).getTime() + (utcOffsetHours ?? DEFAULT_UTC_OFFSET_HOURS) * 3_600_000);
  return `${local.toISOString().slice(0, 16).replace('T', ' ')} ${zone.label}`;
}
/** "report Q1": a quarter's task names its quarter. */
const taskName = (t: { task: string; quarter?: number | null }): string => (t.quarter ? `${t.task} Q${t.quarter}` : t.task);
const lateness = (seconds: number): string =>
  seconds >= 86_400 ? `${Math.floor(seconds / 86_400)} d` : seconds >= 3_600 ? `${Math.floor(seconds / 3_600)} h` : `${Math.floor(seconds / 60)} min`;

export const tasksCommand: Command = {
  path: ['tasks'],
  summary: "an official's inbox: what they must do now, with due dates",
  usage: 'kinerja tasks (--nip NIP | --official ID) [--limit N] [--api URL] [--token T]',
  async run(args) {
    const { options } = parseOptions(args);
    if (typeof options.nip !== 'string' && typeof options.official !== 'string') throw new UsageError('give --nip NIP or --official ID');
    const api = apiClient({
      url: typeof options.api === 'string' ? options.api : undefined,
      token: typeof options.token === 'string' ? options.token : undefined,
      mint: tokenClaims({ nip: options.nip, official: options.official }),
    });
    if (options.limit === true) throw new UsageError('--limit takes a number of tasks, e.g. --limit 20');
    const query = typeof options.limit === 'string' ? `?limit=${encodeURIComponent(options.limit)}` : '';
    const { items, total, escalations, escalationsTotal } = await api.request('GET', `/api/me/tasks${query}`);
    if (items.length === 0 && escalations.length === 0) {
      const { id, positions } = await api.request('GET', '/api/me');
      console.log(positions.length === 0 ? `Nothing to do: ${id} holds no position in any cycle (${ID_HINT}).` : 'Nothing to do.');
    } else if (items.length === 0) console.log('No task of your own.');
    for (const t of items) {
      const flag = (t.overdue ? `  OVERDUE (level ${t.escalationLevel})` : '') + (t.returned ? `  RETURNED: ${t.returned.reason}` : '');
      console.log(`${minute(t.dueAt, t.cycleOf?.utcOffsetHours)}  ${taskName(t).padEnd(12)} ${t.agreementOf.title} — ${t.agreementOf.official}  [${t.agreementId}]${flag}`);
    }
    if (total > items.length) console.log(`… and ${total - items.length} more, due later (the API sends the oldest ${items.length}).`);
    // what others owe and has been escalated to this official: who is late, with what, how late
    if (escalations.length > 0) console.log('Escalated to you (the most overdue first):');
    for (const e of escalations) {
      console.log(`${minute(e.dueAt, e.cycleOf?.utcOffsetHours)}  ${taskName(e).padEnd(12)} ${e.lateOfficial.title} — ${e.lateOfficial.official}  [${e.agreementId}]  late ${lateness(e.lateSeconds)}, level ${e.escalationLevel}`);
    }
    if (escalationsTotal > escalations.length) console.log(`… and ${escalationsTotal - escalations.length} more escalated (the API sends the most overdue ${escalations.length}).`);
    return 0;
  },
};
