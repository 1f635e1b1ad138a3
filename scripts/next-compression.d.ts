// The compression middleware bundled with Next.js (the `compression` package, 1.x), which
// scripts/start.ts runs in place of Next.js's own; the package ships no types there.
declare module 'next/dist/compiled/compression' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type Filter = (req: IncomingMessage, res: ServerResponse) => boolean;
  type Options = { level?: number; threshold?: number | string; filter?: Filter };
  function compression(options?: Options): (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  namespace compression {
    /** The default filter: a compressible Content-Type. */
    const filter: Filter;
  }
  export default compression;
}
