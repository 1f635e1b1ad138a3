import { describe, expect, it } from 'vitest';
import { judgeAudit } from '@/scripts/audit-report';

// Shapes of `npm audit --json` (npm 11): a report with advisories, and the error an audit
// endpoint that does not answer leaves instead.
const report = (vulnerabilities: Record<string, { severity: string; range?: string }>) => ({
  auditReportVersion: 2,
  vulnerabilities,
  metadata: {
    vulnerabilities: Object.values(vulnerabilities).reduce<Record<string, number>>(
      (counts, v) => ({ ...counts, [v.severity]: (counts[v.severity] ?? 0) + 1 }),
      { info: 0, low: 0, moderate: 0, high: 0, critical: 0 },
    ),
  },
});

describe('the npm audit step', () => {
  it('passes a report with only low and moderate advisories', () => {
    expect(judgeAudit(report({ a: { severity: 'low' }, b: { severity: 'moderate' } })).kind).toBe('clean');
  });

  it('fails on a high or critical advisory and names the packages', () => {
    const verdict = judgeAudit(report({ next: { severity: 'critical', range: '<16.2.6' }, x: { severity: 'high' }, y: { severity: 'low' } }));
    expect(verdict).toMatchObject({ kind: 'vulnerable', serious: ['critical: next <16.2.6', 'high: x'] });
  });

  it('tells an unanswered audit from a clean one', () => {
    const verdict = judgeAudit({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' });
    expect(verdict).toEqual({ kind: 'unanswered', why: expect.stringContaining('405') });
  });
});
