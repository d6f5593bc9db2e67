import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

// src/ holds the product only. The simulator, test helpers, benchmarks and command-line tools live
// in tools/ (which may import src/); src/ and migrations/ never import tools/, test/, bench/ or
// scripts/, so the production build (tsconfig.build.json, the Docker image) cannot pull them in.
const root = resolve(__dirname, '../..');
const NON_PRODUCT = ['tools', 'test', 'bench', 'scripts'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const rel = (path: string) => relative(root, path).split(sep).join('/');
const topFolder = (path: string) => rel(path).split('/')[0];
const tsFiles = (folder: string) => walk(join(root, folder)).filter((file) => file.endsWith('.ts'));

/** Every module a file imports: static and dynamic imports, re-exports and require() calls. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

/** The repository folder an import lands in: relative paths resolved, bare names through baseUrl. */
function importedFolder(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return topFolder(resolve(dirname(file), specifier));
  const first = specifier.split('/')[0];
  // tsconfig's baseUrl is the repository root, so `tools/x` would compile as a path into tools/.
  return existsSync(join(root, first)) && !existsSync(join(root, 'node_modules', first)) ? first : undefined;
}

function forbiddenImports(files: string[], allowed: (file: string, target: string) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((specifier) => {
        const folder = importedFolder(file, specifier);
        return folder !== undefined && NON_PRODUCT.includes(folder) && !allowed(file, specifier);
      })
      .map((specifier) => `${rel(file)} imports ${specifier}`),
  );
}

describe('src/ holds product code only', () => {
  it('no product file in src/ or migrations/ imports tools/, test/, bench/ or scripts/', () => {
    const product = [...tsFiles('src'), ...tsFiles('migrations')].filter((file) => !file.endsWith('.spec.ts'));
    expect(product.length).toBeGreaterThan(100);
    expect(forbiddenImports(product, () => false)).toEqual([]);
  });

  it('unit specs beside the code import only the shared test helpers in tools/testing/', () => {
    const specs = tsFiles('src').filter((file) => file.endsWith('.spec.ts'));
    const helper = (file: string, specifier: string) =>
      rel(resolve(dirname(file), specifier)).startsWith('tools/testing/');
    expect(forbiddenImports(specs, helper)).toEqual([]);
  });

  it('src/ has no simulator, test-helper folder, evaluation harness or benchmark', () => {
    const misplaced = walk(join(root, 'src'))
      .map(rel)
      .filter((path) => /\/(simulation|testing|evaluation)\//.test(path) || /\.bench\.ts$/.test(path));
    expect(misplaced).toEqual([]);
  });

  it('the production build config compiles src/ and migrations/ only, without specs', () => {
    const config = ts.readConfigFile(join(root, 'tsconfig.build.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    expect(parsed.errors).toEqual([]);
    const outside = parsed.fileNames.filter(
      (file) => !['src', 'migrations'].includes(topFolder(file)) || file.endsWith('.spec.ts'),
    );
    expect(outside).toEqual([]);
    expect(parsed.fileNames.some((file) => rel(file) === 'src/main.ts')).toBe(true);
  });

  it('the Docker image builds and copies the product only', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts['build:src']).toBe('tsc -p tsconfig.build.json');
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN npm run build:src\b/m);
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1].split(/\s+/));
    for (const folder of NON_PRODUCT) expect(copied).not.toContain(folder);
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const folder of NON_PRODUCT) expect(ignored).toContain(folder);
  });

  it('the compiled product (npm run build) has no simulator, test helpers or benches under dist/src', () => {
    const dist = join(root, 'dist/src');
    if (!existsSync(join(dist, 'main.js'))) throw new Error('dist/src/main.js is missing: run npm run build first');
    const misplaced = walk(dist)
      .map(rel)
      .filter((path) => /\/(simulation|testing|evaluation)\//.test(path) || /\.bench\.js$/.test(path));
    expect(misplaced).toEqual([]);
    // ...while the tools build puts the demo's entry points where scripts/up.sh runs them.
    expect(existsSync(join(root, 'dist/tools/scripts/simulate.js'))).toBe(true);
  });
});
