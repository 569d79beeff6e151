// Maps keyed by data (unit ids, phases, predicate labels) become JSON objects here, and only here:
// a null-prototype object, so a key such as "__proto__" or "constructor" is an ordinary own
// property and can never reach Object.prototype (prototype pollution).
export function jsonObject<V>(entries: ReadonlyMap<string, V>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}
