import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as any).__kinerja;
  if (!state) return;
  await state.temporal.stop();
  await state.pg.stop();
  rmSync(state.dir, { recursive: true, force: true });
}
