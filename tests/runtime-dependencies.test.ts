// A production install prunes devDependencies (`npm prune --omit=dev`, README "Production
// install"), so every package the app, the worker or the CLI imports at run time must be in
// "dependencies". This scans the import specifiers of the run-time sources; the real prune and
// start is e2e/production-install.test.ts.
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

// Server code, pages, the worker-thread files, the e-mail templates and the entry points. Not
// run time: tests, their helpers (*-testing.ts), benchmarks, the `npm test` audit, tool configs.
const RUNTIME_DIRS = ['app', 'lib', 'db', 'emails', 'scripts'];
const RUNTIME_FILES = ['proxy.ts', 'next.config.mjs'];
const NOT_RUNTIME = [/\.test\.tsx?$/, /-testing\.ts$/, /\.d\.m?ts$/, /^scripts\/bench/, /^scripts\/audit/];

function runtimeSources(): string[] {
  const files = RUNTIME_DIRS.flatMap((dir) =>
    fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).map((file) => path.join(dir, file)),
  );
  return [...files, ...RUNTIME_FILES]
    .filter((file) => /\.(ts|tsx|mts|mjs|js|cjs)$/.test(file))
    .filter((file) => !NOT_RUNTIME.some((pattern) => pattern.test(file)))
    .sort();
}

/** Module specifiers a file loads when it runs: static imports and re-exports (not `import type`), import(), require(). */
function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names ('next/server' -> 'next', '@react-email/render' as is); null for files and builtins. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('@/') || isBuiltin(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

it('every package imported at run time is a dependency, not a devDependency', () => {
  const files = runtimeSources();
  expect(files).toEqual(expect.arrayContaining(['scripts/start.ts', 'scripts/worker.ts', 'scripts/admin.ts', 'next.config.mjs']));
  expect(files.filter((file) => file.endsWith('-worker.mjs')).length).toBeGreaterThanOrEqual(2); // worker threads: PDF, e-mail

  const missing: string[] = [];
  const used = new Set<string>();
  for (const file of files) {
    for (const specifier of runtimeSpecifiers(file)) {
      const name = packageOf(specifier);
      if (!name) continue;
      used.add(name);
      if (!(name in packageJson.dependencies)) missing.push(`${file}: '${specifier}'`);
    }
  }
  expect(missing).toEqual([]);
  // The scan sees the imports it must: the job queue the worker died without, the server, tsx's API.
  expect([...used]).toEqual(expect.arrayContaining(['graphile-worker', 'next', 'postgres', 'tsx']));
});
