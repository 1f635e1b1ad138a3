import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { openApiDocument, type JsonSchema, type OperationObject, type ParameterObject } from '@/lib/api/openapi';
import { PROVIDER_ERRORS } from '@/lib/api/errors';
import { requireUser } from '@/lib/auth';
import { PageHeader } from '../../_components/page-header';
import { Table, TableCell } from '../../_components/ui/table';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations('apiDocs'))('title') };
}

const sectionClass = 'rounded-lg border border-slate-200 bg-white p-5';
// Wrapped rather than scrolled: a phone shows the whole command without a scroll box.
const codeClass = 'rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-100 wrap-anywhere';

type Row = { name: string; in: 'path' | 'query' | 'header' | 'body'; required: boolean; schema: JsonSchema };

/** A schema as a short type: "string (1–16)", "integer 1–10", "string or string[]". */
function typeText(schema: JsonSchema): string {
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (union) return union.map(typeText).join(' | ');
  if (schema.enum) return (schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.format === 'uuid') return 'uuid';
  const range = (min: unknown, max: unknown) => (min !== undefined || max !== undefined ? ` ${min ?? 0}–${max ?? '…'}` : '');
  switch (schema.type) {
    case 'string':
      return `string${range(schema.minLength, schema.maxLength)}`;
    case 'integer':
    case 'number': {
      const safe = (v: unknown) => (typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined);
      return `${schema.type}${range(safe(schema.minimum), safe(schema.maximum))}`;
    }
    case 'array':
      return `${typeText(schema.items as JsonSchema)}[]${schema.maxItems ? ` ≤ ${schema.maxItems}` : ''}`;
    default:
      return String(schema.type ?? 'any');
  }
}

function rows(operation: OperationObject): Row[] {
  const list: Row[] = operation.parameters.map((p: ParameterObject) => ({ name: p.name, in: p.in, required: p.required, schema: p.schema }));
  const body = Object.values(operation.requestBody?.content ?? {})[0]?.schema;
  const required = new Set((body?.required ?? []) as string[]);
  for (const [name, schema] of Object.entries((body?.properties ?? {}) as Record<string, JsonSchema>)) {
    list.push({ name, in: 'body', required: required.has(name), schema });
  }
  return list;
}

/** The operation's example as a curl command, from the document's examples. */
function curl(server: string, path: string, method: string, operation: OperationObject): string {
  let url = server + path;
  const query: string[] = [];
  for (const p of operation.parameters) {
    if (p.in === 'path') url = url.replace(`{${p.name}}`, String(p.example));
    if (p.in === 'query' && p.example !== undefined) query.push(`${p.name}=${String(p.example)}`);
  }
  if (query.length) url += `?${query.join('&')}`;
  // curl sends GET, or POST when it has a body; any other method is named.
  const implied = method === 'get' || (method === 'post' && operation.requestBody);
  const lines = [`curl -s${implied ? '' : ` -X ${method.toUpperCase()}`} '${url}'`, `  -H "Authorization: Bearer $TOKEN"`];
  const content = operation.requestBody?.content ?? {};
  const form = content['application/x-www-form-urlencoded'];
  const json = content['application/json'];
  if (form) {
    for (const [name, value] of Object.entries(form.example as Record<string, unknown>)) {
      lines.push(`  --data-urlencode '${name}=${String(value)}'`);
    }
  } else if (json) {
    lines.push(`  -H 'content-type: application/json'`, `  -d '${JSON.stringify(json.example)}'`);
  }
  return lines.join(' \\\n');
}

// The API's documentation, rendered on the server from the same OpenAPI document that
// /api/openapi.json serves. Signed-in, beside Settings → API tokens, where tokens are made.
export default async function ApiDocsPage() {
  await requireUser();
  const t = await getTranslations('apiDocs');
  const document = openApiDocument();
  const server = document.servers[0].url;
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation: operation as OperationObject })),
  );
  return (
    <>
      <PageHeader title={t('title')} />
      <div className="space-y-6">
        <section aria-labelledby="about-title" className={`${sectionClass} space-y-3 text-sm`}>
          <h2 id="about-title" className="sr-only">{t('title')}</h2>
          <p>{t('intro')}</p>
          <p>{t('auth')}</p>
          <p>
            {t('document')}{' '}
            <a href="/api/openapi.json" className="font-mono text-brand-700 underline">
              /api/openapi.json
            </a>
          </p>
          <nav aria-labelledby="contents-title">
            <h3 id="contents-title" className="mt-4 font-semibold">{t('contents')}</h3>
            <ul className="mt-1 space-y-1">
              {operations.map(({ path, method, operation }) => (
                <li key={operation.operationId}>
                  <a href={`#${operation.operationId}`} className="text-brand-700 underline">
                    <span className="font-mono text-xs">{method.toUpperCase()} {path}</span> — {t(`operations.${operation.operationId}.summary`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </section>

        {operations.map(({ path, method, operation }) => {
          const id = operation.operationId;
          const types = Object.keys(operation.requestBody?.content ?? {});
          return (
            <section key={id} id={id} aria-labelledby={`${id}-title`} className={`${sectionClass} space-y-4 text-sm`}>
              <h2 id={`${id}-title`} className="text-lg font-semibold">
                <span className="mr-2 rounded bg-slate-100 px-2 py-0.5 font-mono text-sm">{method.toUpperCase()}</span>
                <span className="font-mono text-base">{path}</span>
                <span className="block text-base font-normal text-slate-700">{t(`operations.${id}.summary`)}</span>
              </h2>
              <p>{t(`operations.${id}.description`)}</p>
              {types.length > 0 && <p className="text-slate-600">{t('body', { types: types.join(', ') })}</p>}

              <div>
                <h3 className="mb-1 font-semibold">{t('parameters')}</h3>
                {rows(operation).length === 0 ? (
                  <p className="text-slate-600">{t('noParameters')}</p>
                ) : (
                  <Table
                    caption={t('parameters')}
                    columns={[{ label: t('name') }, { label: t('location') }, { label: t('type') }, { label: t('required') }, { label: t('description') }]}
                  >
                    {rows(operation).map((row) => (
                      <tr key={`${row.in}-${row.name}`}>
                        <TableCell long className="font-mono text-xs">
                          {row.name}
                        </TableCell>
                        <TableCell>{t(`in.${row.in}`)}</TableCell>
                        <TableCell long className="font-mono text-xs">
                          {typeText(row.schema)}
                        </TableCell>
                        <TableCell>{row.required ? t('yes') : t('no')}</TableCell>
                        <TableCell wide>{row.in === 'header' ? t('idempotencyKey') : t(`operations.${id}.fields.${row.name}`)}</TableCell>
                      </tr>
                    ))}
                  </Table>
                )}
              </div>

              <div>
                <h3 className="mb-1 font-semibold">{t('example')}</h3>
                <pre className={codeClass}>
                  <code>{curl(server, path, method, operation)}</code>
                </pre>
              </div>

              <div>
                <h3 className="mb-1 font-semibold">{t('answers')}</h3>
                <Table caption={t('answers')} columns={[{ label: t('status') }, { label: t('codes') }, { label: t('meaning') }]}>
                  {Object.entries(operation.responses).map(([status, response]) => {
                    const errors = ((response.content['application/json'].schema.properties as Record<string, JsonSchema> | undefined)?.error?.enum ?? []) as number[];
                    return (
                      <tr key={status}>
                        <TableCell className="tabular font-mono text-xs">{status}</TableCell>
                        <TableCell long className="tabular font-mono text-xs">
                          {errors.join(', ')}
                        </TableCell>
                        <TableCell wide>{Number(status) < 300 ? t(`operations.${id}.answer`) : t(`statuses.${status}`)}</TableCell>
                      </tr>
                    );
                  })}
                </Table>
              </div>
            </section>
          );
        })}

        <section aria-labelledby="errors-title" className={`${sectionClass} space-y-3 text-sm`}>
          <h2 id="errors-title" className="text-lg font-semibold">{t('errorsTitle')}</h2>
          <p>{t('errorsIntro')}</p>
          <Table caption={t('errorsTitle')} columns={[{ label: t('code') }, { label: t('meaning') }]}>
            {Object.values(PROVIDER_ERRORS).map((code) => (
              <tr key={code}>
                <TableCell className="tabular font-mono text-xs">{code}</TableCell>
                <TableCell>{t(`errorCodes.${code}`)}</TableCell>
              </tr>
            ))}
          </Table>
          <h3 className="font-semibold">{t('idempotencyTitle')}</h3>
          <p>{t('idempotency')}</p>
        </section>
      </div>
    </>
  );
}
