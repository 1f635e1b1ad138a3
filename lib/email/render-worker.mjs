// Renders one e-mail template in a worker thread started without the react-server condition
// that the app and the job worker run with (react-dom/server refuses to load under it).
// A plain ES module: the TypeScript template is loaded through tsx's API.
import { parentPort, workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

try {
  const template = await tsImport(workerData.module, import.meta.url);
  const rendered = await template[workerData.exportName](workerData.props);
  parentPort.postMessage({ ok: true, rendered });
} catch (error) {
  parentPort.postMessage({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
}
