// Times on the page in the zone of the PK's region, in headless Chromium against the real stack.
// A cycle in Sulawesi (calendar utcOffsetHours 8) is due at 23.59 local time, and its official,
// at a desk whose browser runs on Jakarta's clock, reads "… 23.59 WITA" in the inbox and on the PK
// page, not "22.59 WIB"; the administrator's current deadline, an extension ("sampai akhir hari …
// waktu setempat") and the timeline say WITA too. A cycle on the default calendar still says WIB.
import type { Page } from 'playwright-core';
import type { Stack } from '../support/stack';
import { ADMIN, officialPerson } from '../support/browser-sign-in';
import { BrowserSession } from '../support/browser-session';
import { client, enc, nipOf, sampleOrganisation, startStackWithCycle, tokens, waitFor } from '../support/api-client';
import { endOfLocalDay } from '../../domain/schedule';

// web/js is plain ES modules for the browser; jest's swc turns format.js into CommonJS
const format = require('../../web/js/format.js') as { fmtDateTime(iso: string, utcOffsetHours?: number): string };

const WITA = 'kab-page-wita';
const WIB = 'kab-page-wib';
const wita = sampleOrganisation(WITA);
const wib = sampleOrganisation(WIB);
const OWNER = 'kepala-dinsos';
const pk = (org: any, positionId: string) => `pk:${org.organisation.id}:${org.year}:${positionId}`;

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
// the official's browser keeps Jakarta's clock: the page must not show the browser's zone
const session = new BrowserSession({ timezoneId: 'Asia/Jakarta' });

jest.setTimeout(300_000);

const read = async (id: string) => (await call('GET', `/api/agreements/${enc(id)}`, { token: t.admin })).body;
const drafting = (id: string) => waitFor(() => read(id), (a) => a.state?.deadline?.item === 'draft', 120_000);
const open = (page: Page, hash: string) => page.evaluate((h) => { location.hash = h; }, hash);
const inboxDue = (page: Page, id: string) => page.locator(`[data-testid=tasks] li[data-agreement="${id}"] .due > span`).first();

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle({ ...wita, calendar: { utcOffsetHours: 8 } }, (s) => s.status === 'running', { identityProvider: true }));
  const started = await call('POST', '/api/cycles', { token: t.admin, body: wib });
  expect(started.status).toBe(201);
  await waitFor(() => call('GET', `/api/cycles/${enc(`cycle:${WIB}:${wib.year}`)}`, { token: t.admin }), (r) => r.body.status === 'running', 120_000);
  await Promise.all([drafting(pk(wita, OWNER)), drafting(pk(wib, OWNER))]);
  await session.launch(stack);
});
afterAll(async () => {
  await session.close();
  await stack?.stop();
});
afterEach(() => expect(session.pageErrors).toEqual([]));

test('an official of a WITA region reads the draft\'s due date as 23.59 WITA in the inbox and on the PK page, not 22.59 WIB', async () => {
  const id = pk(wita, OWNER);
  const a = await read(id);
  expect(a.utcOffsetHours).toBe(8);
  const due: string = a.dueAt;
  const shown = format.fmtDateTime(due, 8);
  expect(shown).toMatch(/ 23[.:]59 WITA$/);
  // the same instant as Jakarta reads it: what the page used to show
  expect(format.fmtDateTime(due, 7)).toMatch(/ 22[.:]59 WIB$/);

  const page = await session.signedIn(officialPerson(nipOf(wita, OWNER)));
  await open(page, '#/');
  await expect(inboxDue(page, id).textContent()).resolves.toBe(`Tenggat ${shown}`);
  await open(page, `#/pk/${enc(id)}`);
  await page.locator('.pk-head .due').waitFor();
  await expect(page.locator('.pk-head .due > span').first().textContent()).resolves.toBe(`Tenggat ${shown}`);
});

test('an official of a region on the default calendar still reads WIB', async () => {
  const id = pk(wib, OWNER);
  const a = await read(id);
  expect(a.utcOffsetHours).toBe(7);
  const shown = format.fmtDateTime(a.dueAt, 7);
  expect(shown).toMatch(/ 23[.:]59 WIB$/);

  const page = await session.signedIn(officialPerson(nipOf(wib, OWNER)));
  await open(page, '#/');
  await expect(inboxDue(page, id).textContent()).resolves.toBe(`Tenggat ${shown}`);
});

test('the administrator extends a WITA region\'s deadline to the end of a local day: 23.59 WITA, on the panel and the timeline', async () => {
  const id = pk(wita, OWNER);
  const current: string = (await read(id)).state.deadline.dueAt;
  // 14 days after the current due date, as a day in the region's zone; due at that day's end there
  const day = new Date(Date.parse(current) + 8 * 3_600_000 + 14 * 86_400_000).toISOString().slice(0, 10);
  const [y, m, d] = day.split('-').map(Number);
  const expected = endOfLocalDay(y, m, d, 8);

  const page = await session.signedIn(ADMIN);
  await open(page, `#/pk/${enc(id)}`);
  const section = page.locator('[data-testid=admin-deadline]');
  await expect(section.locator('[data-testid=current-deadline]').textContent()).resolves
    .toBe(`Tenggat saat ini: "Susun draf PK" — ${format.fmtDateTime(current, 8)}`);
  const form = section.locator('[data-testid=deadline-form]');
  await form.getByLabel('Tenggat baru').fill(day);
  await form.getByLabel('Alasan').fill('Jaringan kantor terputus');
  await form.getByRole('button', { name: 'Perpanjang tenggat' }).click();
  await page.locator(`[data-testid=current-deadline][data-due="${expected}"]`).waitFor();
  expect(format.fmtDateTime(expected, 8)).toMatch(/ 23[.:]59 WITA$/);
  await expect(page.locator('[data-testid=admin-deadline] .notice-success').textContent()).resolves
    .toBe(`Tenggat "Susun draf PK" diperpanjang hingga ${format.fmtDateTime(expected, 8)}.`);
  // the timeline's own times and the extension's line are in WITA too (its view, once the history has the extension)
  await waitFor(() => call('GET', `/api/agreements/${enc(id)}/history`, { token: t.admin }),
    (r) => r.body.entries?.some((e: any) => e.kind === 'deadline.extended'), 60_000);
  await open(page, `#/pk/${enc(id)}/linimasa`);
  const extended = page.locator('[data-testid=timeline] li[data-kind="deadline.extended"]').first();
  await extended.waitFor();
  await expect(extended.locator('.tl-text > span').textContent()).resolves
    .toBe(`Tenggat "Susun draf PK" diperpanjang hingga ${format.fmtDateTime(expected, 8)}: Jaringan kantor terputus`);
  const times = await page.locator('[data-testid=timeline] time').allTextContents();
  expect(times.length).toBeGreaterThan(0);
  expect(times.filter((x) => !x.endsWith(' WITA'))).toEqual([]);
});
