// Whom an escalation level reached, counted up the late official's chain of superiors (level 0 is
// the official). The chain is data (an Asisten, the Sekda, the Kepala Daerah in a usual Pemda), so
// only its steps are named, not its titles. The page's badges and the escalation mails say the
// same words. Pure (no imports): served to the page as /lib/escalation-level.js.

/** "atasan langsung", "atasan dari atasan langsung", "atasan 3 tingkat di atas". */
export function escalationLevelText(level: number): string {
  if (level === 1) return 'atasan langsung';
  if (level === 2) return 'atasan dari atasan langsung';
  return `atasan ${level} tingkat di atas`;
}

/** "Eskalasi tingkat 2 (atasan dari atasan langsung)"; level 0 is "Belum dieskalasi". */
export function escalationLabel(level: number | null | undefined): string {
  if (!level) return 'Belum dieskalasi';
  return `Eskalasi tingkat ${level} (${escalationLevelText(level)})`;
}
