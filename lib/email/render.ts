import { Worker } from 'node:worker_threads';
import type { CampaignGuardProps } from '@/emails/campaign-guard';
import type { LowBalanceProps } from '@/emails/low-balance';
import type { ReportReadyProps } from '@/emails/report-ready';

export type RenderedEmail = { subject: string; html: string; text: string };

const RENDER_TIMEOUT_MS = 30_000;

/**
 * Renders a template of emails/ off this thread and outside the react-server condition: the app
 * and the job worker run under `tsx --conditions=react-server`, where react-dom/server (which
 * @react-email/render needs) refuses to load. One short-lived worker per e-mail: report e-mails
 * are rare, and nothing stays alive between them.
 */
function renderInWorker(module: string, exportName: string, props: unknown): Promise<RenderedEmail> {
  return new Promise<RenderedEmail>((resolve, reject) => {
    const worker = new Worker(new URL('./render-worker.mjs', import.meta.url), {
      execArgv: [],
      workerData: { module, exportName, props },
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
      void worker.terminate();
    };
    const timer = setTimeout(() => finish(() => reject(new Error('E-mail rendering timed out'))), RENDER_TIMEOUT_MS);
    worker.on('message', (reply: { ok: true; rendered: RenderedEmail } | { ok: false; error: string }) =>
      finish(() => (reply.ok ? resolve(reply.rendered) : reject(new Error(`E-mail rendering failed: ${reply.error}`)))),
    );
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`E-mail render worker exited with code ${code}`))));
  });
}

export function renderReportReadyEmail(props: ReportReadyProps): Promise<RenderedEmail> {
  return renderInWorker(new URL('../../emails/report-ready.tsx', import.meta.url).href, 'renderReportReady', props);
}

export function renderCampaignGuardEmail(props: CampaignGuardProps): Promise<RenderedEmail> {
  return renderInWorker(new URL('../../emails/campaign-guard.tsx', import.meta.url).href, 'renderCampaignGuard', props);
}

export function renderLowBalanceEmail(props: LowBalanceProps): Promise<RenderedEmail> {
  return renderInWorker(new URL('../../emails/low-balance.tsx', import.meta.url).href, 'renderLowBalance', props);
}
