// Text PostgreSQL cannot store: U+0000 (refused by `text` and `jsonb`) and lone UTF-16 surrogates
// (no UTF-8 for them). Checked where text comes in (the API's bodies, a workflow's validators): past
// that, a handler changes its state and queues a write the database refuses on every retry, and the
// PK would wait behind it for good. Keys are checked as well as values (a jsonb key is text too).
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether PostgreSQL can store the string as text. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

/** The path (`$.objectives[0].name`) of the first string in `value` that cannot be stored, or null. */
export function unstorableTextPath(value: unknown): string | null {
  const pending: Array<[unknown, string]> = [[value, '$']];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return path;
    } else if (Array.isArray(current)) {
      current.forEach((child, i) => pending.push([child, `${path}[${i}]`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (!isStorableText(key)) return `${path} (a key)`;
        pending.push([child, `${path}.${key}`]);
      }
    }
  }
  return null;
}
