import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// SECURITY.md's table names tests by file and title; a renamed or deleted test must not leave
// the table pointing at nothing.

const ROOT = path.resolve(import.meta.dirname, '..');
const FILE_REF = /`((?:tests|lib|e2e)\/[\w./-]+\.test\.ts)`/g;
const QUOTED = /"([^"]+)"/g;

/** Each table row's cited files, each with the quoted titles that follow it up to the next file. */
function citations(markdown: string): { file: string; title: string }[] {
  const rows = markdown.slice(markdown.indexOf('## Requirements -> tests')).split('\n').filter((l) => l.startsWith('|'));
  const out: { file: string; title: string }[] = [];
  for (const row of rows) {
    const cell = row.split(' | ').slice(1).join(' | ');
    const refs = [...cell.matchAll(FILE_REF)];
    refs.forEach((ref, i) => {
      const upTo = i + 1 < refs.length ? refs[i + 1].index : cell.length;
      for (const q of cell.slice(ref.index + ref[0].length, upTo).matchAll(QUOTED)) out.push({ file: ref[1], title: q[1] });
    });
  }
  return out;
}

/** A title as the source may write it: "…" stands for any text, and so may a ${…} in the source. */
function appearsIn(source: string, title: string): boolean {
  const unquote = (s: string) => s.replace(/\\(["'`])/g, '$1');
  const titles = [...source.matchAll(/(?:it|describe)\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)].map((m) => unquote(m[2]));
  const parts = title.split('…').map((p) => p.trim()).filter(Boolean);
  return titles.some((t) => {
    const pattern = t.split(/\$\{[^}]*\}/).map((p) => p.replace(/[.*+?^$()[\]{}|\\]/g, '\\$&')).join('.*');
    const candidate = new RegExp(`^${pattern}$`);
    if (!title.includes('…')) return candidate.test(title) || t === title;
    let at = 0;
    for (const part of parts) {
      const found = t.indexOf(part, at);
      if (found < 0) return false;
      at = found + part.length;
    }
    return true;
  });
}

describe('SECURITY.md', () => {
  const markdown = fs.readFileSync(path.join(ROOT, 'SECURITY.md'), 'utf8');
  const cited = citations(markdown);

  it('names only tests that exist, in the files it names', () => {
    expect(cited.length).toBeGreaterThan(40);
    const missing = cited.filter(({ file, title }) => {
      const full = path.join(ROOT, file);
      return !fs.existsSync(full) || !appearsIn(fs.readFileSync(full, 'utf8'), title);
    });
    expect(missing).toEqual([]);
  });

  it('has a row for every requirement line of the spec it follows', () => {
    const rows = markdown.slice(markdown.indexOf('## Requirements -> tests')).split('\n').filter((l) => /^\| [^*-]/.test(l) && !l.startsWith('| requirement'));
    expect(rows.length).toBeGreaterThanOrEqual(27);
    expect(rows.filter((row) => !/`(tests|lib|e2e|scripts)\//.test(row))).toEqual([]);
  });
});
