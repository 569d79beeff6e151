import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as any).__kinerja;
  if (state) {
    await state.temporal.stop();
    await state.pg.stop();
    rmSync(state.dir, { recursive: true, force: true });
  }
  // On 2 cores jest runs the files in its own process, so a handle one of them leaves open keeps
  // the run from exiting: KINERJA_LIST_OPEN_HANDLES=1 names what is still open at the end.
  if (process.env.KINERJA_LIST_OPEN_HANDLES === '1') {
    setTimeout(() => {
      const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
      const describe = (h: any) => {
        const kind = h?.constructor?.name ?? typeof h;
        if (kind === 'ChildProcess') return `ChildProcess ${h.spawnfile} ${(h.spawnargs ?? []).slice(1, 4).join(' ')} pid ${h.pid}`;
        if (kind === 'Socket' || kind === 'Server') return `${kind} ${h.remoteAddress ?? ''}:${h.remotePort ?? h.address?.()?.port ?? ''} local ${h.localPort ?? ''}`;
        if (kind === 'Timeout') return `Timeout ${h._idleTimeout} ms ${String(h._onTimeout).slice(0, 120).replace(/\s+/g, ' ')}`;
        return kind;
      };
      console.error(`[kinerja] open handles after the run:\n${handles.map((h) => `  ${describe(h)}`).join('\n')}`);
    }, 3000).unref();
  }
}
