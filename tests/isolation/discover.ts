import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Finds the entry points of an App Router tree from the file system: route handlers (one key
 * per exported HTTP method), every page, and the exported async functions of 'use server'
 * modules. Keys are stable strings such as
 *   "route app/api/campaigns/[id]/route.ts GET"
 *   "page app/(app)/bulk/[id]/page.tsx"
 *   "action app/(app)/settings/actions.ts saveLanguage"
 * with paths relative to the project root (the parent of `appDir`), always with "/".
 */

export type EntryKind = 'route' | 'page' | 'action';
/** `dynamic`: a page under a [segment], i.e. one that takes an object id from the URL. */
export type Entry = { kind: EntryKind; file: string; name: string; key: string; dynamic?: boolean };

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const DYNAMIC = /^\[.+\]$/;

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue;
      out.push(...(await walk(full)));
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}

/** True when the module's first statement is the 'use server' directive (comments allowed before it). */
export function isServerModule(source: string): boolean {
  const stripped = source.replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  return /^(['"])use server\1/.test(stripped);
}

function exportedRouteMethods(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:function\s*\*?\s*|const\s+|let\s+|var\s+)([A-Z]+)\b/g)) {
    if (METHODS.includes(m[1])) names.add(m[1]);
  }
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim() ?? '';
      if (METHODS.includes(name)) names.add(name);
    }
  }
  return [...names].sort();
}

function exportedAsyncFunctions(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/export\s+async\s+function\s+(\w+)/g)) names.add(m[1]);
  for (const m of source.matchAll(/export\s+const\s+(\w+)\s*=\s*async\b/g)) names.add(m[1]);
  // 'use server' modules may only export async functions, so any other named export counts too.
  for (const m of source.matchAll(/export\s+(?:function|const|let|var)\s+(\w+)/g)) names.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name && !part.trim().startsWith('type ')) names.add(name);
    }
  }
  if (/export\s+default\b/.test(source)) names.add('default');
  return [...names].sort();
}

export async function discover(appDir: string): Promise<Entry[]> {
  const root = path.dirname(appDir);
  const entries: Entry[] = [];
  for (const full of (await walk(appDir)).sort()) {
    const file = path.relative(root, full).split(path.sep).join('/');
    const base = path.basename(full);
    const segments = file.split('/').slice(0, -1);
    if (/^route\.(ts|tsx|js|mjs)$/.test(base)) {
      const source = await fs.readFile(full, 'utf8');
      for (const name of exportedRouteMethods(source)) entries.push({ kind: 'route', file, name, key: `route ${file} ${name}` });
    } else if (/^page\.(tsx|ts|jsx|js)$/.test(base)) {
      entries.push({ kind: 'page', file, name: 'default', key: `page ${file}`, dynamic: segments.some((s) => DYNAMIC.test(s)) });
    } else if (/\.(ts|tsx)$/.test(base) && !/\.test\.tsx?$/.test(base)) {
      const source = await fs.readFile(full, 'utf8');
      if (!isServerModule(source)) continue;
      for (const name of exportedAsyncFunctions(source)) entries.push({ kind: 'action', file, name, key: `action ${file} ${name}` });
    }
  }
  return entries;
}

/** Discovered entries without a recipe, and recipes whose entry no longer exists. */
export function coverage(entries: Entry[], recipeKeys: Iterable<string>): { uncovered: string[]; stale: string[] } {
  const known = new Set(recipeKeys);
  const found = new Set(entries.map((e) => e.key));
  return {
    uncovered: entries.map((e) => e.key).filter((k) => !known.has(k)),
    stale: [...known].filter((k) => !found.has(k)).sort(),
  };
}

export function summary(entries: Entry[]): { routes: number; pages: number; dynamicPages: number; actions: number } {
  return {
    routes: entries.filter((e) => e.kind === 'route').length,
    pages: entries.filter((e) => e.kind === 'page').length,
    dynamicPages: entries.filter((e) => e.kind === 'page' && e.dynamic).length,
    actions: entries.filter((e) => e.kind === 'action').length,
  };
}
