// Security response headers for every page and route, used by next.config.mjs `headers()` and,
// for pages, proxy.ts. Plain JavaScript so next.config.mjs can import it; types in headers.d.mts.
//
// Pages get a fresh nonce per request from proxy.ts: Next.js puts it on its own scripts and the
// inline <script>self.__next_f.push(…)</script> tags that stream the RSC payload, so script-src
// needs no 'unsafe-inline' and an injected inline script does not run. 'strict-dynamic' lets the
// nonced bootstrap load the app's chunks. Every other response (API, downloads, static files)
// carries the same policy without a nonce: no inline script at all.

/** @param {{ dev?: boolean, nonce?: string }} [options] */
export function contentSecurityPolicy({ dev = false, nonce } = {}) {
  const scripts = nonce ? `'self' 'nonce-${nonce}' 'strict-dynamic'` : "'self'";
  return [
    "default-src 'self'",
    // Development (React Refresh, error overlay) also needs eval.
    `script-src ${scripts}${dev ? " 'unsafe-eval'" : ''}`,
    // React inline styles (progress bars) and Next's style tags.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

/**
 * Download routes set `Referrer-Policy: no-referrer` themselves (lib/reports/download.ts).
 * Next.js lets a header from next.config.mjs win over the same header set by a route handler,
 * so these paths get no-referrer from here as well and the global value skips them.
 */
export const DOWNLOAD_SOURCES = [
  '/bulk/:id/delivery-report.csv',
  '/bulk/:id/delivery-report.pdf',
  '/reports/runs/:id/download',
  '/r/:token',
];

/** Every path except the downloads above (path-to-regexp with a negative lookahead). */
export const NON_DOWNLOAD_SOURCE =
  '/:path((?!bulk/[^/]+/delivery-report\\.(?:csv|pdf)$|reports/runs/[^/]+/download$|r/[^/]+$).*)';

/** @param {{ dev?: boolean }} [options] */
export function securityHeaders({ dev = false } = {}) {
  return [
    {
      source: '/:path*',
      headers: [
        { key: 'Content-Security-Policy', value: contentSecurityPolicy({ dev }) },
        { key: 'X-Content-Type-Options', value: 'nosniff' },
        { key: 'X-Frame-Options', value: 'DENY' },
        { key: 'Permissions-Policy', value: PERMISSIONS_POLICY },
      ],
    },
    {
      source: NON_DOWNLOAD_SOURCE,
      headers: [{ key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' }],
    },
    ...DOWNLOAD_SOURCES.map((source) => ({
      source,
      headers: [{ key: 'Referrer-Policy', value: 'no-referrer' }],
    })),
  ];
}
