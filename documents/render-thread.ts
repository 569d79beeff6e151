// Renders PDFs on a worker thread, so laying out a large PK never holds the API's event loop
// (every other request waited while a 10,000-character word was wrapped on it). One thread, made
// on first use and unref'd; a render that exceeds its time budget ends the thread (the next render
// makes a new one) and fails with RenderTimeout instead of running on.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { AgreementPdfInput } from './agreement-input';

export class RenderTimeout extends Error {
  constructor(readonly budgetMs: number) {
    super(`Rendering the PDF took longer than ${budgetMs} ms`);
  }
}

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (err: Error) => void;
  /** Started once the thread has loaded its modules: the budget is for rendering, not for start-up. */
  timer?: NodeJS.Timeout;
}

export class PdfRenderThread {
  private worker: Worker | undefined;
  private ready = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly budgetMs = 20_000) {}

  render(input: AgreementPdfInput): Promise<Uint8Array> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const pending: Pending = { resolve, reject };
      this.pending.set(id, pending);
      if (this.ready) this.arm(pending);
      worker.postMessage({ id, input });
    });
  }

  private arm(pending: Pending): void {
    // The thread may be stuck in this render: end it, and with it every render it held.
    pending.timer ??= setTimeout(() => this.stop(new RenderTimeout(this.budgetMs)), this.budgetMs);
  }

  /** Ends the thread; renders in flight fail with `reason`. */
  stop(reason: Error = new Error('The PDF render thread was stopped')): void {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = false;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(reason);
      this.pending.delete(id);
    }
    void worker?.terminate();
  }

  private start(): Worker {
    // The worker is TypeScript like the rest: tsx's CommonJS hook is registered in the thread first
    // (works the same under `tsx api/main.ts` and under jest).
    const entry = join(__dirname, 'render-worker.ts');
    const code = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`;
    const worker = new Worker(code, { eval: true, execArgv: [] });
    worker.on('message', ({ id, bytes, error, ready }: { id: number; bytes?: Uint8Array; error?: string; ready?: true }) => {
      if (ready) {
        this.ready = true;
        for (const p of this.pending.values()) this.arm(p);
        return;
      }
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      if (bytes) p.resolve(new Uint8Array(bytes));
      else p.reject(new Error(error ?? 'The PDF could not be rendered'));
    });
    worker.on('error', (err) => {
      if (this.worker === worker) this.stop(err);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.stop(new Error('The PDF render thread exited'));
    });
    // After the listeners: adding a 'message' listener refs the thread's port again, and a referenced
    // port keeps the process alive after everything else has stopped (a test run never exited).
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
