// Security response headers for every page and route, used by next.config.mjs `headers()`.
// Plain JavaScript so next.config.mjs can import it; types in headers.d.mts.
//
// script-src keeps 'unsafe-inline': the App Router streams its RSC payload in inline
// <script>self.__next_f.push(…)</script> tags, and without a per-request nonce (set by
// proxy.ts and forcing every page to render dynamically) a static policy cannot allow them
// otherwise. Everything else is same-origin only; no third-party origins are used.

/** @param {{ dev?: boolean }} [options] */
export function contentSecurityPolicy({ dev = false } = {}) {
  return [
    "default-src 'self'",
    // Development (React Refresh, error overlay) also needs eval.
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
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
