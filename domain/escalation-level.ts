// How an escalation level is said. The chain a level counts along is data: the late official's
// superiors within the Pemda, then the Asisten overseeing the unit, the Sekda and the Kepala Daerah
// (domain/escalation.ts), so a level number alone does not say who was reached (level 1 of a
// Kepala Dinas's item is the Asisten, not his superior, the Bupati). Where the recipient is known
// (a mail, the escalation's record) their post is named; elsewhere only the level. The page's
// badges and the escalation mails say the same words. Pure (no imports): served to the page as
// /lib/escalation-level.js.

/** "Eskalasi tingkat 2 (kepada Sekretaris Daerah)", or "Eskalasi tingkat 2" when the post is not known; level 0 is "Belum dieskalasi". */
export function escalationLabel(level: number | null | undefined, reachedPost?: string | null): string {
  if (!level) return 'Belum dieskalasi';
  return reachedPost ? `Eskalasi tingkat ${level} (kepada ${reachedPost})` : `Eskalasi tingkat ${level}`;
}
