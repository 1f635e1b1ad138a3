import { Worker } from 'node:worker_threads';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

/**
 * The layouts the worker (pdf-worker.mjs) knows: 'delivery' (a campaign's delivery report,
 * lib/campaigns/delivery-report/summary.ts) and 'report' (a report summary, lib/reports/report-pdf.ts).
 * A model is plain data with every text final, so the worker only lays it out.
 */
export type PdfLayout = 'delivery' | 'report';
type PdfJob = { kind: PdfLayout; model: object };

type Pending = { resolve: (pdf: Uint8Array) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };
type Reply = { id: number; ok: true; pdf: Uint8Array } | { id: number; ok: false; error: string };

const POOL_SIZE = env().PDF_WORKERS;
const MAX_WAITING = 16;
const RENDER_TIMEOUT_MS = 30_000;

/**
 * @react-pdf/renderer lays out on the thread that calls it and blocks it for the whole render
 * (shared/spec/performance.md), so it runs in worker threads: the request thread only posts
 * the data and awaits the bytes. One long-lived worker by default (PDF_WORKERS for more); a
 * worker that dies or hangs past the timeout is terminated and replaced on the next render,
 * and its renders fail. Idle workers are unref'd so they never keep a process alive.
 */
class PdfWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  dead = false;

  constructor() {
    // A plain ES module, run as it is: no TypeScript, no JSX, no bundler needed inside.
    // execArgv is emptied so that the react-server condition of the app's process
    // (`tsx --conditions=react-server`) does not reach it: react-pdf needs the client React.
    this.worker = new Worker(new URL('./pdf-worker.mjs', import.meta.url), {
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`PDF worker exited with code ${code}`)));
  }

  get load(): number {
    return this.pending.size;
  }

  render(job: PdfJob): Promise<Uint8Array> {
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new Error('PDF rendering timed out'));
        void this.worker.terminate();
      }, RENDER_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      this.worker.ref();
      this.worker.postMessage({ id, ...job });
    });
  }

  private settle(reply: Reply) {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    clearTimeout(job.timer);
    if (!this.pending.size) this.worker.unref();
    if (reply.ok) job.resolve(reply.pdf);
    else job.reject(new Error(`PDF rendering failed: ${reply.error}`));
  }

  private fail(error: Error) {
    this.dead = true;
    for (const job of this.pending.values()) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    this.pending.clear();
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

const globalForPdf = globalThis as unknown as { smsPortalPdfWorkers?: PdfWorker[] };

function pool(): PdfWorker[] {
  globalForPdf.smsPortalPdfWorkers ??= [];
  return globalForPdf.smsPortalPdfWorkers;
}

/** Renders a PDF off the request thread. Rejects with AppError 'busy' when too many are waiting. */
export function renderPdf(kind: PdfLayout, model: object): Promise<Uint8Array> {
  const job: PdfJob = { kind, model };
  const workers = pool().filter((worker) => !worker.dead);
  if (workers.reduce((sum, worker) => sum + worker.load, 0) >= MAX_WAITING) return Promise.reject(new AppError('busy'));
  while (workers.length < POOL_SIZE) workers.push(new PdfWorker());
  globalForPdf.smsPortalPdfWorkers = workers;
  const idlest = workers.reduce((best, worker) => (worker.load < best.load ? worker : best));
  return idlest.render(job);
}

/** Stops the workers (tests, shutdown). */
export async function closePdfWorkers(): Promise<void> {
  const workers = pool();
  globalForPdf.smsPortalPdfWorkers = [];
  await Promise.all(workers.map((worker) => worker.terminate()));
}
