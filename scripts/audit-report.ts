/** The verdict on `npm audit --json` output: pass, fail (high/critical advisories), or no answer. */
export type AuditReport = {
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity: string; range?: string }>;
  message?: string;
};

export type AuditVerdict =
  | { kind: 'clean'; counts: Record<string, number> }
  | { kind: 'vulnerable'; counts: Record<string, number>; serious: string[] }
  | { kind: 'unanswered'; why: string };

export function judgeAudit(report: AuditReport): AuditVerdict {
  const counts = report.metadata?.vulnerabilities;
  if (!counts) return { kind: 'unanswered', why: report.message ?? 'no advisories in the answer' };
  const serious = Object.entries(report.vulnerabilities ?? {})
    .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
    .map(([name, v]) => `${v.severity}: ${name} ${v.range ?? ''}`.trim());
  return serious.length > 0 ? { kind: 'vulnerable', counts, serious } : { kind: 'clean', counts };
}
