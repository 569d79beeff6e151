// `kinerja tasks --nip NIP` (or `--official ID`): an official's inbox, oldest due first, up to
// `--limit` items (the API's own bounds and default apply; a bad limit gets its 400).
import { apiClient } from '../../api/client';
import { parseOptions, UsageError, type Command } from '../command';
import { tokenClaims } from './token';

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
    const { items, total } = await api.request('GET', `/api/me/tasks${query}`);
    if (items.length === 0) {
      console.log('Nothing to do.');
      return 0;
    }
    for (const t of items) {
      const due = t.dueAt ? new Date(t.dueAt).toISOString().slice(0, 16).replace('T', ' ') : '—';
      const flag = t.overdue ? `  OVERDUE (level ${t.escalationLevel})` : '';
      console.log(`${due}  ${t.task.padEnd(12)} ${t.agreementOf.title} — ${t.agreementOf.official}  [${t.agreementId}]${flag}`);
    }
    if (total > items.length) console.log(`… and ${total - items.length} more, due later (the API sends the oldest ${items.length}).`);
    return 0;
  },
};
