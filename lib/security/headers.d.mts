export interface HeaderRule {
  source: string;
  headers: { key: string; value: string }[];
}
export function contentSecurityPolicy(options?: { dev?: boolean; nonce?: string }): string;
export const PERMISSIONS_POLICY: string;
export const DOWNLOAD_SOURCES: string[];
export const NON_DOWNLOAD_SOURCE: string;
export function securityHeaders(options?: { dev?: boolean }): HeaderRule[];
