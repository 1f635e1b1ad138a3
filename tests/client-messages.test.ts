import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGES, pickMessages } from '@/lib/i18n/messages';

// Client components translate with the messages a ClientMessages above them gives
// (app/_components/client-messages.tsx); a page embeds those and no others. Each client
// component's namespaces must be given by a layout on its way up to app/.

const APP = path.resolve('app');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The namespaces the layouts from `dir` up to app/ give their client components. */
function givenAbove(dir: string): string[] {
  const given: string[] = [];
  for (let at = dir; at.startsWith(APP); at = path.dirname(at)) {
    const layout = path.join(at, 'layout.tsx');
    if (!fs.existsSync(layout)) continue;
    const list = /<ClientMessages namespaces=\{\[([^\]]*)\]\}/.exec(fs.readFileSync(layout, 'utf8'))?.[1] ?? '';
    given.push(...[...list.matchAll(/'([^']+)'/g)].map((m) => m[1]));
  }
  return given;
}

describe('messages of client components', () => {
  const clients = files(APP).filter((file) => /^['"]use client['"]/.test(fs.readFileSync(file, 'utf8')));

  it('are given to each by a layout above it', () => {
    const missing: string[] = [];
    for (const file of clients) {
      const source = fs.readFileSync(file, 'utf8');
      expect(source, `${file}: useTranslations() without a namespace reads everything`).not.toMatch(/useTranslations\(\)/);
      const given = givenAbove(path.dirname(file));
      for (const [, namespace] of source.matchAll(/useTranslations\('([^']+)'\)/g)) {
        if (!given.some((g) => namespace === g || namespace.startsWith(`${g}.`))) missing.push(`${path.relative(APP, file)}: ${namespace}`);
      }
    }
    expect(clients.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('are picked whole and nested, and a namespace that does not exist is an error', () => {
    const picked = pickMessages(MESSAGES.en, ['contacts.form', 'send']);
    expect(Object.keys(picked).sort()).toEqual(['contacts', 'send']);
    expect(Object.keys(picked.contacts as object)).toEqual(['form']);
    expect((picked.contacts as Record<string, unknown>).form).toEqual((MESSAGES.en.contacts as Record<string, unknown>).form);
    expect(picked.send).toBe(MESSAGES.en.send);
    expect(() => pickMessages(MESSAGES.en, ['contacts.nothing'])).toThrow('no messages under "contacts.nothing"');
  });
});
