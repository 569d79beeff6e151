// `kinerja cycle start` posts an organisation through the API and shows agreements starting;
// `kinerja cycle status` prints agreements per phase and unit.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { apiClient } from '../../api/client';
import { PHASES } from '../../workflows/messages';
import { parseOptions, UsageError, type Command } from '../command';

const SPREADSHEET_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const str = (v: string | true | undefined) => (typeof v === 'string' ? v : undefined);

export const cycleStartCommand: Command = {
  path: ['cycle', 'start'],
  summary: 'start a cycle from an organisation file and follow it until every agreement runs',
  usage: 'kinerja cycle start --org FILE.json|.csv|.xlsx [--year YYYY] [--organisation ID --name NAME --place PLACE (with .csv/.xlsx)] [--api URL] [--token T]',
  async run(args) {
    const { options } = parseOptions(args);
    const file = str(options.org);
    if (!file) throw new UsageError('--org FILE is required');
    if (options.year !== undefined) {
      const year = Number(options.year);
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError('--year must be a year such as 2026');
    }
    const api = apiClient({ url: str(options.api), token: str(options.token) });
    const spreadsheet = SPREADSHEET_TYPES[extname(file).toLowerCase()];
    let started;
    if (spreadsheet) {
      // a table has no room for the organisation's own fields: they travel in the query
      const query = new URLSearchParams();
      for (const key of ['organisation', 'name', 'place', 'year']) {
        const value = str(options[key]);
        if (value !== undefined) query.set(key, value);
      }
      started = await api.request('POST', `/api/cycles?${query}`, undefined, { bytes: readFileSync(file), type: spreadsheet });
    } else {
      const org = JSON.parse(readFileSync(file, 'utf8'));
      if (options.year !== undefined) org.year = Number(options.year);
      started = await api.request('POST', '/api/cycles', org);
    }
    console.log(`${started.created ? 'Started' : 'Already started'}: ${started.cycleId} (${started.positions} positions)`);
    const bar = new SingleBar({ format: 'agreements started {bar} {value}/{total}', hideCursor: true }, Presets.shades_classic);
    bar.start(started.positions, 0);
    const path = `/api/cycles/${encodeURIComponent(started.cycleId)}`;
    const until = Date.now() + 30 * 60_000;
    for (;;) {
      const status = await api.request('GET', path);
      bar.update(status.started);
      // a cycle posted again may have closed meanwhile: all its PKs started long ago
      if (status.status !== 'starting' && status.started >= status.positions) break;
      if (Date.now() > until) {
        bar.stop();
        console.error('gave up waiting after 30 minutes; check `kinerja doctor`');
        return 1;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    bar.stop();
    console.log(`All ${started.positions} agreements are running.`);
    return 0;
  },
};

export function phaseTable(units: Record<string, Record<string, number>>): string {
  const head = ['unit', ...PHASES];
  const rows = Object.entries(units).map(([unit, counts]) => [unit, ...PHASES.map((p) => String(counts[p] ?? 0))]);
  const totals = ['TOTAL', ...PHASES.map((p) => String(Object.values(units).reduce((s, c) => s + (c[p] ?? 0), 0)))];
  const all = [head, ...rows, totals];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line), line(totals)].join('\n');
}

export const cycleStatusCommand: Command = {
  path: ['cycle', 'status'],
  summary: 'agreements of a cycle per phase and unit, and what is overdue',
  usage: 'kinerja cycle status CYCLE_ID [--api URL] [--token T]',
  async run(args) {
    const { options, positional } = parseOptions(args);
    if (!positional[0]) throw new UsageError('CYCLE_ID is required (e.g. cycle:kab-bengkayang:2025)');
    const api = apiClient({ url: str(options.api), token: str(options.token) });
    const s = await api.request('GET', `/api/cycles/${encodeURIComponent(positional[0])}`);
    console.log(`${s.id}  ${s.status}  ${s.started}/${s.positions} started\n`);
    console.log(phaseTable(s.units));
    if (s.overdue.length > 0) {
      console.log('\nOverdue (unit, escalation level, agreements):');
      for (const o of s.overdue) console.log(`  ${o.unit.padEnd(16)} level ${o.level}  ${o.n}`);
    }
    return 0;
  },
};
