// The worker thread that renders PDFs for the API (documents/render-off-loop.ts): a large PK is
// laid out here, so the API's event loop keeps answering other requests meanwhile.
import { parentPort } from 'node:worker_threads';
import { renderAgreementPdf } from './render';
import type { AgreementPdfInput } from './agreement-input';

async function render({ id, input }: { id: number; input: AgreementPdfInput }): Promise<void> {
  try {
    const bytes = await renderAgreementPdf(input);
    parentPort!.postMessage({ id, bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
}

parentPort!.on('message', (message: { id: number; input: AgreementPdfInput }) => void render(message));

// Modules are loaded: from now on the caller's time budget counts.
parentPort!.postMessage({ ready: true });
