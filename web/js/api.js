// Calls to the API with the session cookie (and, for changes, the session's CSRF token). A non-2xx answer becomes an ApiError carrying
// the problem details (code, detail, per-field problems with JSON pointers).
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? 'http_error';
    this.problem = problem ?? {};
    this.problems = Array.isArray(problem?.problems) ? problem.problems : [];
  }
}

export const enc = encodeURIComponent;

async function request(method, path, body, type) {
  const headers = { accept: 'application/json', ...(method === 'GET' ? {} : session.csrfHeaders()) };
  // a file (Blob) or a body with its own media type goes as is; anything else as JSON
  const raw = body instanceof Blob || type !== undefined;
  if (body !== undefined) headers['content-type'] = type ?? (raw ? body.type || 'application/octet-stream' : 'application/json');
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined || raw ? body : JSON.stringify(body) });
  if (res.status === 401) session.signIn(); // the session ended (idle or absolute timeout): sign in again
  return res;
}

export async function api(method, path, body, type) {
  const res = await request(method, path, body, type);
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (path) => api('GET', path);

/** A file (a Blob) posted as is with its media type: the public verification, the spreadsheet import. */
export const postFile = (path, file, type) => api('POST', path, file, type);

/**
 * The file name a Content-Disposition header gives (filename*=UTF-8''… before filename="…"), or
 * null; only its last path segment, so a name can never point elsewhere.
 */
export function dispositionFileName(header) {
  if (!header) return null;
  let name = null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      name = decodeURIComponent(extended[2].trim());
    } catch {
      name = null;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
    if (plain) name = plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2].trim();
  }
  name = name?.split(/[\\/]/).pop()?.trim();
  return name || null;
}

/** A binary answer (PDF, XLSX) as a Blob. */
export async function getBlob(path) {
  return (await getFile(path)).blob;
}

/** A binary answer as a Blob with the file name the server gives it (Content-Disposition), or null. */
export async function getFile(path) {
  const res = await request('GET', path);
  if (!res.ok) {
    let problem = null;
    try {
      problem = await res.json();
    } catch {
      /* not JSON */
    }
    throw new ApiError(res.status, problem);
  }
  return { blob: await res.blob(), fileName: dispositionFileName(res.headers.get('content-disposition')) };
}

export const agreementPath = (id) => `/api/agreements/${enc(id)}`;

/**
 * Reads `path` until `done(answer)` holds or the tries run out, and returns the last answer: an
 * action's follow-up (the phase a closing or a revision leads to) lands a moment after its answer.
 */
export async function readUntil(path, done, { tries = 20, delayMs = 300 } = {}) {
  let answer = await get(path);
  for (let k = 1; k < tries && !done(answer); k++) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    answer = await get(path);
  }
  return answer;
}
