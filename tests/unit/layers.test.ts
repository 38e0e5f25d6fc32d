/**
 * What each folder may import (the README's map), checked on the source: shared/ and server/
 * stand below every domain, schemas are pure (no server module, no sharp, no database) so any of
 * them runs in a test, a page or a browser bundle alike, and pages run no SQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '../../src');

function filesUnder(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(path.join(src, dir), { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && /\.(ts|astro)$/.test(f.name))
    .map((f) => {
      const full = path.join(f.parentPath, f.name);
      return { file: path.relative(src, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') };
    });
}

/** Every `import … from '…'` of a file, and whether it imports types only. */
const importLinesOf = (text: string): Array<{ specifier: string; typeOnly: boolean }> =>
  [...text.matchAll(/^\s*import\s(type\s)?[^;]*?from\s+'([^']+)'/gm)].map((m) => ({ specifier: m[2]!, typeOnly: Boolean(m[1]) }));
const importsOf = (text: string): string[] => importLinesOf(text).map((i) => i.specifier);

describe('the schemas', () => {
  it('import no server module, no image library and no database', () => {
    // A domain's input schemas are its *-schema.ts and *-filter.ts files.
    const schemas = filesUnder('domain').filter(({ file }) => /(?:-schema|-filter)\.ts$/.test(file));
    expect(schemas.length).toBeGreaterThanOrEqual(7);
    const offenders = schemas.flatMap(({ file, text }) =>
      importsOf(text).filter((i) => /\/server\/|^sharp$|^kysely$|^pg$|^node:/.test(i)).map((i) => `${file} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});

/** The folder under src/ an import lands in ('domain/reports', 'shared', 'config', …), or null for a package. */
function folderOf(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
  const [top, sub] = target.split('/');
  return top === 'domain' ? `domain/${sub}` : top!;
}

/** Every import of a folder's files that lands outside `allowed`; `import type` lines may also land in `typesFrom`. */
function importsOutside(dir: string, allowed: readonly string[], typesFrom: readonly string[] = []): string[] {
  return filesUnder(dir).flatMap(({ file, text }) =>
    importLinesOf(text)
      .filter(({ specifier, typeOnly }) => {
        const folder = folderOf(file, specifier);
        return folder !== null && !allowed.includes(folder) && !(typeOnly && typesFrom.includes(folder));
      })
      .map(({ specifier }) => `${file} → ${specifier}`),
  );
}

describe('the folders', () => {
  it("shared/ imports only config/ (and, as types, the workflow's act names and the error summary's item)", () => {
    expect(importsOutside('shared', ['shared', 'config'], ['domain/reports', 'components'])).toEqual([]);
  });

  it('server/ imports only shared/ and config/', () => {
    expect(importsOutside('server', ['server', 'shared', 'config'])).toEqual([]);
  });

  it("domain/ imports no page, component, layout, Action or browser script (types of a component's props excepted)", () => {
    const domains = readdirSync(path.join(src, 'domain'));
    expect(importsOutside('domain', [...domains.map((d) => `domain/${d}`), 'shared', 'server', 'config'], ['components'])).toEqual([]);
  });
});

describe('the pages, components and layouts', () => {
  const files = [...filesUnder('pages'), ...filesUnder('components'), ...filesUnder('layouts')];

  it('import no database: they get it from Astro.locals.db and hand it to service functions', () => {
    const offenders = files.flatMap(({ file, text }) => importsOf(text).filter((i) => /\/server\/db\.ts$|^kysely$|^pg$/.test(i)).map((i) => `${file} → ${i}`));
    expect(offenders).toEqual([]);
  });

  it('run no SQL of their own', () => {
    const offenders = files.filter(({ text }) => /\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`/.test(text)).map(({ file }) => file);
    expect(offenders).toEqual([]);
  });
});

describe('each check', () => {
  const all = [...filesUnder('.')];
  const where = (pattern: RegExp) => all.filter(({ text }) => pattern.test(text)).map(({ file }) => file).sort();

  it('is written once: control characters, the photo loop, the client key, the report body limit', () => {
    expect(where(/\\u0000-\\u0008/)).toEqual(['shared/text-safety.ts']);
    expect(where(/\bprocessPhoto\(/)).toEqual(['domain/reports/photos.ts']);
    expect(where(/\bdailyClientKey\(/)).toEqual(['server/client-address.ts', 'server/rate-limit.ts']);
    expect(where(/55 \* 1024 \* 1024/)).toEqual(['config/limits.ts']);
  });
});
