// Evidence (bukti dukung) of a quarterly report: which files are accepted, told by their content
// (magic bytes), never by their name or declared type; links; captions.
export const EVIDENCE_TYPES = {
  'application/pdf': 'PDF',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PPTX',
  'application/vnd.oasis.opendocument.text': 'ODT',
  'application/vnd.oasis.opendocument.spreadsheet': 'ODS',
  'application/x-ole-storage': 'DOC/XLS/PPT (Office 97–2003)',
} as const;

export type EvidenceType = keyof typeof EVIDENCE_TYPES;

const startsWith = (bytes: Uint8Array, signature: number[], at = 0) => signature.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
/** Whether the first `limit` bytes contain `text` (a ZIP's first entry names and an ODF's mimetype sit there). */
function contains(bytes: Uint8Array, text: string, limit = 64 * 1024): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, limit)).includes(text, 0, 'latin1');
}
/** Anywhere in the archive: the central directory, at the end, lists every entry's name. */
const anywhere = (bytes: Uint8Array, text: string) => contains(bytes, text, bytes.length);

/** The evidence type of a file's content, or null when it is none of the accepted ones. */
export function detectEvidenceType(bytes: Uint8Array): EvidenceType | null {
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-ole-storage';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // ODF: the first entry is an uncompressed "mimetype" file holding the type
    if (contains(bytes, 'mimetypeapplication/vnd.oasis.opendocument.text', 200)) return 'application/vnd.oasis.opendocument.text';
    if (contains(bytes, 'mimetypeapplication/vnd.oasis.opendocument.spreadsheet', 200)) return 'application/vnd.oasis.opendocument.spreadsheet';
    // OOXML: a [Content_Types].xml beside the part that names the kind of document
    if (!anywhere(bytes, '[Content_Types].xml')) return null;
    if (anywhere(bytes, 'word/document.xml')) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (anywhere(bytes, 'xl/workbook.xml')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    if (anywhere(bytes, 'ppt/presentation.xml')) return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  }
  return null;
}

/** A link is an absolute http(s) URL of reasonable length. */
export function isEvidenceLink(value: string): boolean {
  if (value.length > 2000) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export const CAPTION_MAX = 500;

