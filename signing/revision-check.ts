// What a revision after the first signature may change without a signature of its own: only
// validation data (PAdES-LT). It must put a new /DSS in the catalog, and may add only the objects
// that DSS reaches (certificates, CRLs, OCSP responses, VRI). Anything more (a changed page, a
// new content stream, new metadata) is an unsigned change. (A document timestamp's revision is
// covered by its own timestamp and checked as a signature; its form and page changes are allowed
// here too, for a DSS added after one.)
import { PdfRef, serialize, type PdfDict, type PdfValue } from './pdf-objects';
import { PdfReader, nameOf } from './pdf-reader';

const ALLOWED_KEYS: Record<string, string[]> = {
  Catalog: ['DSS', 'AcroForm'],
  AcroForm: ['Fields', 'SigFlags'],
  Page: ['Annots'],
};

function withoutKeys(d: PdfDict, keys: string[]): string {
  const copy = new Map(d);
  for (const k of keys) copy.delete(k);
  return serialize(copy as PdfValue);
}

const refNums = (value: PdfValue): number[] => (Array.isArray(value) ? value.filter((v): v is PdfRef => v instanceof PdfRef).map((r) => r.num) : []);

/** Object numbers reachable from `root` (bounded: a DSS is a few levels deep). */
function reachable(reader: PdfReader, root: PdfValue | undefined): Set<number> {
  const seen = new Set<number>();
  const walk = (value: PdfValue | undefined, depth: number): void => {
    if (value === undefined || value === null || depth > 8 || seen.size > 10_000) return;
    if (value instanceof PdfRef) {
      if (seen.has(value.num)) return;
      seen.add(value.num);
      walk(reader.object(value.num), depth + 1);
    } else if (Array.isArray(value)) value.forEach((v) => walk(v, depth + 1));
    else if (value instanceof Map) for (const v of value.values()) walk(v, depth + 1);
  };
  walk(root, 0);
  return seen;
}

/** Null when the revision (bytes[0, before) → bytes[0, after)) only adds validation data; else why not. */
export function validationOnlyRevision(bytes: Buffer, before: number, after: number): string | null {
  const old = new PdfReader(bytes.subarray(0, before));
  const cur = new PdfReader(bytes.subarray(0, after));
  const rootNum = (cur.trailer.get('Root') as PdfRef | undefined)?.num;
  const formRef = cur.catalog().get('AcroForm');
  const pages = new Set(cur.pageRefs().map((p) => p.num));
  const dss = cur.catalog().get('DSS');
  if (!dss || serialize(dss) === serialize(old.catalog().get('DSS') ?? null)) return 'it adds no validation data';
  const validationData = reachable(cur, dss);
  const isSigField = (num: number) => {
    const field = cur.dict(new PdfRef(num));
    if (!field || nameOf(field.get('FT')) !== 'Sig') return false;
    const type = nameOf(cur.dict(field.get('V'))?.get('Type'));
    return type === 'DocTimeStamp' || type === 'Sig';
  };
  for (const [num, entry] of cur.xref) {
    const previous = old.xref.get(num);
    if (previous && previous.offset === entry.offset) continue; // unchanged
    if (!previous) {
      if (!validationData.has(num)) return `object ${num} was added outside the validation data`;
      continue;
    }
    const role = num === rootNum ? 'Catalog' : formRef instanceof PdfRef && formRef.num === num ? 'AcroForm' : pages.has(num) ? 'Page' : null;
    if (!role) return `object ${num} was changed`;
    const a = old.dict(new PdfRef(num));
    const b = cur.dict(new PdfRef(num));
    if (!a || !b || withoutKeys(a, ALLOWED_KEYS[role]) !== withoutKeys(b, ALLOWED_KEYS[role])) return `the ${role.toLowerCase()} was changed beyond validation data`;
    if (role === 'Page') {
      const added = refNums(cur.resolve(b.get('Annots'))).filter((n) => !refNums(old.resolve(a.get('Annots'))).includes(n));
      if (!added.every(isSigField)) return 'an annotation other than a signature field was added to a page';
    }
  }
  const oldFields = new Set(old.fields().map((f) => f.ref.num));
  for (const { ref } of cur.fields()) if (!oldFields.has(ref.num) && !isSigField(ref.num)) return 'a form field other than a signature was added';
  // An inline /AcroForm lives in the catalog, whose other keys were compared above.
  const oldForm = old.dict(old.catalog().get('AcroForm'));
  const newForm = cur.dict(cur.catalog().get('AcroForm'));
  if (oldForm && newForm && withoutKeys(oldForm, ALLOWED_KEYS.AcroForm) !== withoutKeys(newForm, ALLOWED_KEYS.AcroForm)) return 'the form was changed beyond its fields';
  return null;
}
