/** Under `npm start`, exit when the supervisor is gone, so a killed supervisor leaves no orphans. */
export function exitWithParent(): void {
  if (!process.env.KINERJA_SUPERVISOR_PID) return;
  const parent = Number(process.env.KINERJA_SUPERVISOR_PID);
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}
