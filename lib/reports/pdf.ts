import { Worker } from 'node:worker_threads';
import { env } from '@/lib/env';

/**
 * The delivery-report PDF as plain data: every text final (translated, numbers and dates
 * formatted), so that the renderer only lays it out. Built by deliveryReportModel().
 */
export type DeliveryReportPdf = {
  lang: string;
  metaTitle: string;
  title: string;
  heading: string;
  facts: { title: string; rows: [string, string][] };
  content: { label: string; text: string; note: string | null };
  statuses: {
    title: string;
    chartTitle: string;
    columns: [string, string, string, string];
    rows: { label: string; code: string; count: string; share: string; fraction: number; color: string }[];
    total: [string, string, string, string];
    empty: string | null;
  };
  points: { title: string; rows: [string, string][] };
  timing: { title: string; help: string | null; rows: [string, string][]; empty: string | null };
  footer: { generated: string; page: string };
};

/**
 * A report summary PDF (short or group reports, report-pdf.ts) as plain data: every text final,
 * so that the renderer only lays it out. A bar chart of daily counts (stacked series) and a
 * table that may run over several pages (its head repeats on each).
 */
export type ReportSummaryPdf = {
  lang: string;
  orientation: 'portrait' | 'landscape';
  metaTitle: string;
  title: string;
  heading: string;
  facts: [string, string][];
  chart: {
    title: string;
    series: { label: string; color: string }[];
    /** one bar per day: a value per series (non-negative), stacked bottom-up */
    bars: number[][];
    /** labels under the chart's first and last bar, and the largest bar's total */
    firstLabel: string;
    lastLabel: string;
    maxLabel: string;
    empty: string | null;
  };
  table: {
    title: string;
    /** flex weight of each column; numbers are right-aligned */
    columns: { label: string; flex: number; numeric: boolean }[];
    rows: string[][];
    total: string[] | null;
    note: string | null;
    empty: string | null;
  };
  footer: { generated: string; page: string };
};

/** What a worker is asked to render. */
type PdfJob = { kind: 'delivery'; model: DeliveryReportPdf } | { kind: 'report'; model: ReportSummaryPdf };

/** Too many PDFs are waiting already: try again shortly. */
export class PdfBusyError extends Error {
  constructor() {
    super('Too many PDFs are being rendered; try again shortly');
    this.name = 'PdfBusyError';
  }
}

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

/** Renders the delivery-report PDF off the request thread. Throws PdfBusyError when overloaded. */
export function renderDeliveryReportPdf(model: DeliveryReportPdf): Promise<Uint8Array> {
  return renderInPool({ kind: 'delivery', model });
}

/** Renders a report summary PDF (short, group) in the worker pool. Throws PdfBusyError when overloaded. */
export function renderReportSummaryPdf(model: ReportSummaryPdf): Promise<Uint8Array> {
  return renderInPool({ kind: 'report', model });
}

function renderInPool(job: PdfJob): Promise<Uint8Array> {
  const workers = pool().filter((worker) => !worker.dead);
  if (workers.reduce((sum, worker) => sum + worker.load, 0) >= MAX_WAITING) return Promise.reject(new PdfBusyError());
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
