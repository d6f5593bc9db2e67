// The architecture rules of issue 14, computed from the source with the TypeScript compiler API
// (no dependency-cruiser: the import specifiers and string literals are all we need).
//
// Everything here is a pure function of file paths and file contents, so the rules themselves are
// unit-tested on small in-memory trees (architecture-rules.spec.ts) and the real check
// (architecture.spec.ts) runs them over src/.
import * as path from 'node:path';
import * as ts from 'typescript';

export type RuleId =
  | 'domain-purity'
  | 'sql-outside-persistence'
  | 'foreign-persistence'
  | 'folder-cycle'
  | 'module-cycle'
  | 'src-imports-non-product'
  | 'http-helpers-outside-http'
  | 'vocabulary-copy'
  | 'container-lookup'
  | 'table-writer';

export interface Violation {
  rule: RuleId;
  /** Repository-relative path of the offending file (for a cycle, the first folder of the cycle). */
  file: string;
  /** A stable description, free of line numbers: what the file does wrong (a specifier, a statement). */
  key: string;
  /** Human detail: line number, the edge, the statement. */
  detail: string;
}

export interface SourceInput {
  /** Repository-relative, forward slashes, e.g. src/ml/domain/forest.ts */
  file: string;
  text: string;
}

export interface ImportEdge {
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** Repository-relative target for relative/baseUrl specifiers; undefined for packages. */
  target?: string;
  line: number;
}

// ---------------------------------------------------------------- imports

/** Top-level folders of the repository that a bare specifier may name through tsconfig's baseUrl. */
const BASE_URL_ROOTS = ['src', 'test', 'tools', 'bench', 'scripts', 'migrations'];

export function importsOf(input: SourceInput, knownFiles: ReadonlySet<string>): ImportEdge[] {
  const info = ts.preProcessFile(input.text, true, true);
  const lineStarts = lineStartsOf(input.text);
  const edges: ImportEdge[] = [];
  for (const ref of info.importedFiles) {
    const specifier = ref.fileName;
    edges.push({
      from: input.file,
      specifier,
      target: resolveSpecifier(input.file, specifier, knownFiles),
      line: lineAt(lineStarts, ref.pos),
    });
  }
  return edges;
}

/** Resolves a relative or baseUrl specifier to a repository-relative file (or folder, when unknown). */
export function resolveSpecifier(
  from: string,
  specifier: string,
  knownFiles: ReadonlySet<string>,
): string | undefined {
  let base: string;
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
    base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  } else if (BASE_URL_ROOTS.includes(specifier.split('/')[0])) {
    base = path.posix.normalize(specifier);
  } else {
    return undefined;
  }
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.js`,
    `${base}.json`,
    `${base}/index.ts`,
    `${base}/index.js`,
  ];
  for (const candidate of candidates) if (knownFiles.has(candidate)) return candidate;
  // Unknown file (outside the scanned set, e.g. tools/): keep the normalized path so rules that look at
  // the folder still see where it points.
  return base;
}

export function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

// ---------------------------------------------------------------- layers

/** Test code kept beside the source (specs, and benches until they move out of src/). */
export const isSpec = (file: string): boolean => /\.(e2e-spec|spec|bench)\.ts$/.test(file);

/** src/<module>/..., or undefined outside src. */
export function moduleOf(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : undefined;
}

export const isDomain = (file: string): boolean => /^src\/(.+\/)?domain\//.test(file);
export const isPersistence = (file: string): boolean => /^src\/(.+\/)?persistence\//.test(file);
export const isDatabaseLayer = (file: string): boolean => file.startsWith('src/database/');

/**
 * The HTTP layer: controllers, DTOs, guards, interceptors, filters, decorators, the api/ and dto/
 * folders, the bootstrap, and two named glue files (the queue board mounted on Express, and the
 * principal's request decorator). Only these may use the HTTP helpers of src/common/http.
 */
const HTTP_LAYER: RegExp[] = [
  /\.(controller|dto|guard|interceptor|filter|decorators?|middleware|pipe)\.ts$/,
  /\/(api|dto|http)\//,
  /^src\/(bootstrap|main|app\.module)\.ts$/,
  /^src\/pipeline\/queue-dashboard\.ts$/,
  /^src\/security\/principal\.ts$/,
];
export const isHttpLayer = (file: string): boolean => HTTP_LAYER.some((re) => re.test(file));

/** Packages that bring a framework, a driver or I/O: a domain folder stays free of them. */
const DOMAIN_FORBIDDEN_PACKAGES: RegExp[] = [
  /^@nestjs\//,
  /^typeorm$/,
  /^pg$/,
  /^pg-/,
  /^ioredis$/,
  /^bullmq$/,
  /^@bull-board\//,
  /^express$/,
  /^passport/,
  /^nodemailer$/,
  /^pdfkit$/,
  /^prom-client$/,
  /^nestjs-pino$/,
  /^pino/,
  /^class-validator$/,
  /^class-transformer$/,
];

/** Node built-ins that touch the network, the disk, processes or threads. */
const DOMAIN_FORBIDDEN_BUILTINS = new Set([
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'dns',
  'dns/promises',
  'dgram',
  'tls',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  'repl',
  'inspector',
  'v8',
  'vm',
]);

// ---------------------------------------------------------------- SQL detection

/**
 * Statement openers, each with the shape that must follow, so prose such as "Select a model" or
 * "Update the rule" does not count. Matched against the literal's text with template holes replaced
 * by a placeholder.
 */
const SQL_SHAPES: RegExp[] = [
  /^\s*SELECT\b[\s\S]*?\bFROM\s+([\w."(]|\$\{\})/i,
  /^\s*SELECT\s+(\d|\$\d|\w+\s*\(|\*|\w+\s*(,|$))/i,
  /^\s*INSERT\s+INTO\s+[\w."]/i,
  /^\s*UPDATE\s+[\w."]+(\s+\w+)?\s+SET\s+\w/i,
  /^\s*DELETE\s+FROM\s+[\w."]/i,
  /^\s*WITH\s+(RECURSIVE\s+)?\w+(\s*\([\w\s,]*\))?\s+AS\s+(NOT\s+)?(MATERIALIZED\s+)?\(/i,
  /^\s*CREATE\s+(UNIQUE\s+)?(TABLE|INDEX|VIEW|MATERIALIZED\s+VIEW|SCHEMA|EXTENSION|TYPE|FUNCTION|OR\s+REPLACE|TRIGGER|SEQUENCE|DATABASE)\b/i,
  /^\s*ALTER\s+(TABLE|INDEX|TYPE|SEQUENCE|DATABASE|SYSTEM)\b/i,
  /^\s*DROP\s+(TABLE|INDEX|VIEW|MATERIALIZED\s+VIEW|SCHEMA|TYPE|FUNCTION|DATABASE|TRIGGER)\b/i,
  /^\s*TRUNCATE\s+(TABLE\s+)?[\w."]/i,
  /^\s*LOCK\s+TABLE\b/i,
  /^\s*(VACUUM|ANALYZE)\s+[\w."]/i,
  /^\s*SET\s+(LOCAL\s+)?\w+\s*(=|TO)\s/i,
  /^\s*(BEGIN|COMMIT|ROLLBACK)(\s+(ISOLATION|TRANSACTION|WORK)\b|\s*;?\s*$)/,
  /^\s*(REFRESH\s+MATERIALIZED\s+VIEW|COPY\s+[\w."]+\s*(\(|FROM|TO))\b/i,
  /^\s*(LISTEN|NOTIFY|UNLISTEN)\s+\w+\s*;?\s*$/,
];

/** SQL fragments that do not open a statement but only make sense inside one (WHERE clauses built up). */
const SQL_FRAGMENT =
  /^\s*(AND|OR|WHERE|ORDER\s+BY|GROUP\s+BY|ON\s+CONFLICT|RETURNING|LIMIT|JOIN|LEFT\s+JOIN)\b[\s\S]*(\$\d+|\$\{\}|=\s*ANY\s*\()/;

export function looksLikeSql(text: string): boolean {
  // SQL is written with its keywords all in capitals (or all in lower case); a sentence starts with a
  // capitalised word ("Select a model from the list") and is not a statement.
  const firstWord = /^\s*([A-Za-z]+)/.exec(text)?.[1];
  if (!firstWord || (firstWord !== firstWord.toUpperCase() && firstWord !== firstWord.toLowerCase()))
    return false;
  return SQL_SHAPES.some((re) => re.test(text)) || SQL_FRAGMENT.test(text);
}

/**
 * A file whose string literals are SQL-shaped data (attack samples, say) rather than queries says so
 * with this marker and a reason, visible in review beside the literals it excuses.
 */
export const SQL_DATA_MARKER = 'architecture-check: sql-shaped literals here are data, not queries';

export interface SqlLiteral {
  line: number;
  text: string;
}

/** String and template literals of a file that look like SQL, and any literal handed to `.query(`. */
export function sqlLiteralsOf(input: SourceInput): SqlLiteral[] {
  const source = ts.createSourceFile(input.file, input.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: SqlLiteral[] = [];
  const seen = new Set<ts.Node>();
  const record = (node: ts.Node, text: string): void => {
    if (seen.has(node)) return;
    seen.add(node);
    found.push({ line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, text });
  };
  const visit = (node: ts.Node): void => {
    // Imports' specifiers and type-level strings are never SQL.
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    const text = literalText(node);
    if (text !== undefined) {
      if (looksLikeSql(text)) record(node, text);
      return;
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'query' &&
      node.arguments.length > 0
    ) {
      const first = node.arguments[0];
      const firstText = literalText(first);
      if (firstText !== undefined && firstText.trim() !== '') record(first, firstText);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.sort((a, b) => a.line - b.line);
}

function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return node.head.text + node.templateSpans.map((span) => '${}' + span.literal.text).join('');
  }
  return undefined;
}

/** A line-number-free fingerprint of a statement: its first words, whitespace collapsed. */
export function sqlFingerprint(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length > 80 ? `${collapsed.slice(0, 80)}…` : collapsed;
}

// ---------------------------------------------------------------- rules

export interface Analysis {
  violations: Violation[];
  /** Folder graph (folder → folder → one example edge), exposed for the report. */
  folderGraph: Map<string, Map<string, ImportEdge>>;
}

/**
 * Runs every rule over the given files. Specs and benches (`*.spec.ts`, `*.bench.ts`) are test code:
 * they are checked only by the rule that src/ never imports test-only trees.
 */
export function analyse(inputs: SourceInput[]): Analysis {
  const known = new Set(inputs.map((i) => i.file));
  const violations: Violation[] = [];
  const folderGraph = new Map<string, Map<string, ImportEdge>>();

  for (const input of inputs) {
    if (!input.file.startsWith('src/')) continue;
    const edges = importsOf(input, known);
    for (const edge of edges) {
      checkNonProductImport(edge, violations);
      if (isSpec(input.file)) continue;
      checkDomainImport(edge, violations);
      checkForeignPersistence(edge, violations);
      checkHttpHelpers(edge, violations);
      if (edge.target?.startsWith('src/') && !isSpec(edge.target) && !isWiringEdge(edge)) {
        const fromFolder = path.posix.dirname(edge.from);
        const toFolder = path.posix.dirname(edge.target);
        if (fromFolder !== toFolder) {
          let targets = folderGraph.get(fromFolder);
          if (!targets) folderGraph.set(fromFolder, (targets = new Map()));
          if (!targets.has(toFolder)) targets.set(toFolder, edge);
        }
      }
    }
    if (!isSpec(input.file) && !input.file.startsWith('src/pipeline/')) {
      for (const line of looseContainerLookups(input)) {
        violations.push({
          rule: 'container-lookup',
          file: input.file,
          key: 'get(…, { strict: false })',
          detail: `line ${line}: fetches a provider from the whole container (strict: false); inject what an exported service offers`,
        });
      }
    }
    if (
      !isSpec(input.file) &&
      !isPersistence(input.file) &&
      !isDatabaseLayer(input.file) &&
      !input.text.includes(SQL_DATA_MARKER)
    ) {
      for (const sql of sqlLiteralsOf(input)) {
        violations.push({
          rule: 'sql-outside-persistence',
          file: input.file,
          key: sqlFingerprint(sql.text),
          detail: `line ${sql.line}: ${sqlFingerprint(sql.text)}`,
        });
      }
    }
  }
  violations.push(...folderCycles(folderGraph));
  violations.push(...moduleCycles(folderGraph));
  return { violations, folderGraph };
}

/**
 * A Nest module file is its module's composition root: it imports its own controllers, services and
 * processors from every subfolder, and those import back the services beside the module file. Those
 * wiring edges (a `*.module.ts` to a file of the same module) are not layering and would make every
 * module one big cycle, so the folder graph leaves them out. A module file importing another module
 * still counts.
 */
export function isWiringEdge(edge: ImportEdge): boolean {
  return (
    edge.from.endsWith('.module.ts') &&
    edge.target !== undefined &&
    moduleOf(edge.from) === moduleOf(edge.target)
  );
}

/**
 * `moduleRef.get(token, { strict: false })` reaches any provider of any module, past the exports that
 * make a boundary. Only the pipeline, which registers the queues it looks up, may do that.
 */
export function looseContainerLookups(input: SourceInput): number[] {
  if (!input.text.includes('strict')) return [];
  const source = ts.createSourceFile(input.file, input.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'get' &&
      node.arguments.some(
        (arg) =>
          ts.isObjectLiteralExpression(arg) &&
          arg.properties.some(
            (p) =>
              ts.isPropertyAssignment(p) &&
              ts.isIdentifier(p.name) &&
              p.name.text === 'strict' &&
              p.initializer.kind === ts.SyntaxKind.FalseKeyword,
          ),
      )
    ) {
      lines.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return lines;
}

function checkNonProductImport(edge: ImportEdge, out: Violation[]): void {
  const top = edge.target?.split('/')[0];
  // A unit spec beside the code is test code, not product: it may use the shared test helpers in
  // tools/testing/ (the product build leaves specs out), and nothing else outside src/.
  if (edge.from.endsWith('.spec.ts') && edge.target?.startsWith('tools/testing/')) return;
  if (top && ['tools', 'test', 'bench', 'scripts'].includes(top)) {
    out.push({
      rule: 'src-imports-non-product',
      file: edge.from,
      key: edge.target!,
      detail: `line ${edge.line}: imports '${edge.specifier}' (${edge.target})`,
    });
  }
}

function checkDomainImport(edge: ImportEdge, out: Violation[]): void {
  if (!isDomain(edge.from)) return;
  const push = (why: string): void => {
    out.push({
      rule: 'domain-purity',
      file: edge.from,
      key: edge.specifier,
      detail: `line ${edge.line}: ${why}`,
    });
  };
  if (edge.target === undefined) {
    const pkg = packageName(edge.specifier);
    const builtin = pkg.startsWith('node:') ? pkg.slice(5) : pkg;
    if (DOMAIN_FORBIDDEN_PACKAGES.some((re) => re.test(pkg))) {
      push(`imports the framework/driver package '${edge.specifier}'`);
    } else if (DOMAIN_FORBIDDEN_BUILTINS.has(builtin)) {
      push(`imports the I/O built-in '${edge.specifier}'`);
    }
    return;
  }
  if (!isDomain(edge.target)) {
    push(`imports '${edge.specifier}' (${edge.target}), which is not a domain folder`);
  }
}

function checkForeignPersistence(edge: ImportEdge, out: Violation[]): void {
  if (!edge.target || !isPersistence(edge.target)) return;
  const fromModule = moduleOf(edge.from);
  const toModule = moduleOf(edge.target);
  if (fromModule !== toModule) {
    out.push({
      rule: 'foreign-persistence',
      file: edge.from,
      key: edge.target,
      detail: `line ${edge.line}: module '${fromModule}' imports ${edge.target} of module '${toModule}'`,
    });
  }
}

function checkHttpHelpers(edge: ImportEdge, out: Violation[]): void {
  if (!edge.target?.startsWith('src/common/http/') || isHttpLayer(edge.from)) return;
  out.push({
    rule: 'http-helpers-outside-http',
    file: edge.from,
    key: edge.target,
    detail: `line ${edge.line}: imports the HTTP helper ${edge.target}; throw InvalidInputError (common/domain) and let the filter answer`,
  });
}

/**
 * The same graph one level up: src/<module> → src/<module>. Files directly in src/ (the app module,
 * the bootstrap) are the composition root and stay out.
 */
export function moduleCycles(folderGraph: Map<string, Map<string, ImportEdge>>): Violation[] {
  const graph = new Map<string, Map<string, ImportEdge>>();
  for (const targets of folderGraph.values()) {
    for (const edge of targets.values()) {
      const from = moduleOf(edge.from);
      const to = edge.target ? moduleOf(edge.target) : undefined;
      if (!from || !to || from === to) continue;
      const key = `src/${from}`;
      let out = graph.get(key);
      if (!out) graph.set(key, (out = new Map()));
      if (!out.has(`src/${to}`)) out.set(`src/${to}`, edge);
    }
  }
  return folderCycles(graph).map((v) => ({
    ...v,
    rule: 'module-cycle' as const,
    detail: v.detail.replace(/^folders /, 'modules '),
  }));
}

/** Tarjan's strongly connected components; every component of two or more folders is a cycle. */
export function folderCycles(graph: Map<string, Map<string, ImportEdge>>): Violation[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  const nodes = new Set<string>([...graph.keys()]);
  for (const targets of graph.values()) for (const t of targets.keys()) nodes.add(t);

  const strongConnect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) strongConnect(v);

  return components.map((component) => {
    const cycle = shortestCycleThrough(component[0], new Set(component), graph);
    const steps = cycle.slice(0, -1).map((folder, i) => {
      const edge = graph.get(folder)!.get(cycle[i + 1])!;
      return `  ${folder} → ${cycle[i + 1]}  (${edge.from}:${edge.line} imports '${edge.specifier}')`;
    });
    return {
      rule: 'folder-cycle' as const,
      file: component[0],
      key: component.join(' ⇄ '),
      detail: `folders ${component.join(', ')} import each other:\n${steps.join('\n')}`,
    };
  });
}

/** Breadth-first search from start back to start inside one component: the cycle shown as an example. */
function shortestCycleThrough(
  start: string,
  members: Set<string>,
  graph: Map<string, Map<string, ImportEdge>>,
): string[] {
  const previous = new Map<string, string>();
  const queue: string[] = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path: string[] = [start];
        for (let at: string | undefined = v; at !== undefined && at !== start; at = previous.get(at))
          path.unshift(at);
        path.unshift(start);
        return path;
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

// ---------------------------------------------------------------- shared vocabulary

export interface Vocabulary {
  name: string;
  /** The one file allowed to spell the values out. */
  home: string;
  values: readonly string[];
  /**
   * 'keys' for a table keyed by the values (the age-of-consent table): only object literals with those
   * keys count as copies. Otherwise arrays, unions and strings do, and an object keyed by the values
   * (a Record<Severity, number> of weights) is a use of the vocabulary, not a copy.
   */
  kind?: 'values' | 'keys';
}

/**
 * Spelled-out copies of a shared vocabulary: an array literal of strings, a string-literal union type
 * or a whitespace-separated string (or, for a keyed table, an object literal's keys) that holds exactly
 * the vocabulary's values, in any order, anywhere in src/ or tools/ (the simulator) but the home. Specs are exempt: they may spell
 * values out to pin them.
 */
export function vocabularyCopies(inputs: SourceInput[], vocabularies: Vocabulary[]): Violation[] {
  const keyOf = (values: Iterable<string>): string => [...new Set(values)].sort().join('\u0000');
  const byKey = new Map<string, Vocabulary[]>();
  for (const v of vocabularies) {
    const key = keyOf(v.values);
    byKey.set(key, [...(byKey.get(key) ?? []), v]);
  }
  const out: Violation[] = [];
  for (const input of inputs) {
    if (!/^(src|tools)\//.test(input.file) || isSpec(input.file)) continue;
    const source = ts.createSourceFile(
      input.file,
      input.text,
      ts.ScriptTarget.ES2022,
      true,
      ts.ScriptKind.TS,
    );
    const check = (
      node: ts.Node,
      values: string[] | undefined,
      shape: string,
      kind: 'values' | 'keys',
    ): void => {
      if (!values || values.length < 3) return;
      for (const v of byKey.get(keyOf(values)) ?? []) {
        if (v.home === input.file || (v.kind ?? 'values') !== kind) continue;
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        out.push({
          rule: 'vocabulary-copy',
          file: input.file,
          key: v.name,
          detail: `line ${line}: ${shape} spells out the ${v.name} vocabulary; import it from ${v.home}`,
        });
      }
    };
    const visit = (node: ts.Node): void => {
      if (ts.isArrayLiteralExpression(node)) {
        const strings = node.elements.every((e) => ts.isStringLiteralLike(e))
          ? node.elements.map((e) => (e as ts.StringLiteralLike).text)
          : undefined;
        check(node, strings, 'an array literal', 'values');
      } else if (ts.isUnionTypeNode(node)) {
        const strings = node.types.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))
          ? node.types.map((t) => ((t as ts.LiteralTypeNode).literal as ts.StringLiteral).text)
          : undefined;
        check(node, strings, 'a union type', 'values');
      } else if (ts.isStringLiteralLike(node) && /\s/.test(node.text.trim())) {
        check(node, node.text.trim().split(/\s+/), 'a whitespace-separated string', 'values');
      } else if (ts.isObjectLiteralExpression(node)) {
        const names = node.properties.every(
          (p) => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)),
        )
          ? node.properties.map(
              (p) => ((p as ts.PropertyAssignment).name as ts.Identifier | ts.StringLiteral).text,
            )
          : undefined;
        check(node, names, 'an object literal with these keys', 'keys');
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

// ---------------------------------------------------------------- table writers

/** Statements that change a table's rows, with the table as group 1 (template holes never match). */
const WRITE_TARGETS: RegExp[] = [
  /\bINSERT\s+INTO\s+([a-z_][\w.]*)/gi,
  /\bDELETE\s+FROM\s+([a-z_][\w.]*)/gi,
  /\bTRUNCATE\s+(?:TABLE\s+)?([a-z_][\w.]*)/gi,
  /\bCOPY\s+([a-z_][\w.]*)\s*(?:\([^)]*\)\s*)?FROM\b/gi,
  // UPDATE t [AS] [alias] SET — not `FOR UPDATE`, not `DO UPDATE SET` of an upsert.
  /(?<!\bFOR\s+)(?<!\bDO\s+)\bUPDATE\s+([a-z_][\w.]*)(?:\s+(?:AS\s+)?[a-z_]\w*)?\s+SET\b/gi,
];

const NOT_A_TABLE = new Set(['set', 'only', 'table']);

/** The tables a statement writes (lower case, schema dropped). */
export function tablesWritten(sql: string): string[] {
  const tables = new Set<string>();
  for (const re of WRITE_TARGETS) {
    for (const m of sql.matchAll(re)) {
      const table = m[1].toLowerCase().split('.').pop()!;
      if (!NOT_A_TABLE.has(table)) tables.add(table);
    }
  }
  return [...tables];
}

/** A table that several modules write by design, each writer named, with the reason. */
export interface SharedTable {
  writers: readonly string[];
  why: string;
}

/**
 * Every table is written (INSERT, UPDATE, DELETE, TRUNCATE, COPY … FROM) by one module: its owner.
 * Another module that must change it calls a service the owner exports, in the caller's transaction
 * when needed. A table listed in `shared` may be written by exactly the modules listed, no more and no
 * fewer, so the list cannot hide a new writer nor outlive the sharing. Specs and files marked as
 * holding SQL-shaped data are left out; src/database counts as a module of its own.
 */
export function tableWriters(inputs: SourceInput[], shared: Record<string, SharedTable>): Violation[] {
  const writers = new Map<string, Map<string, string[]>>(); // table → module → ["file:line"]
  for (const input of inputs) {
    const module = moduleOf(input.file);
    if (!module || isSpec(input.file) || input.text.includes(SQL_DATA_MARKER)) continue;
    for (const sql of sqlLiteralsOf(input)) {
      for (const table of tablesWritten(sql.text)) {
        let byModule = writers.get(table);
        if (!byModule) writers.set(table, (byModule = new Map()));
        byModule.set(module, [...(byModule.get(module) ?? []), `${input.file}:${sql.line}`]);
      }
    }
  }
  const out: Violation[] = [];
  for (const [table, byModule] of [...writers].sort(([a], [b]) => a.localeCompare(b))) {
    const modules = [...byModule.keys()].sort();
    const where = modules.map((m) => `    ${m}: ${byModule.get(m)!.join(', ')}`).join('\n');
    const listed = shared[table];
    if (listed) {
      const expected = [...listed.writers].sort();
      if (expected.join(',') !== modules.join(',')) {
        out.push({
          rule: 'table-writer',
          file: byModule.get(modules[0])![0].split(':')[0],
          key: table,
          detail: `${table} is listed as shared by ${expected.join(', ')} but is written by ${modules.join(', ')}:\n${where}`,
        });
      }
    } else if (modules.length > 1) {
      out.push({
        rule: 'table-writer',
        file: byModule.get(modules[0])![0].split(':')[0],
        key: table,
        detail: `${table} is written by ${modules.length} modules; keep the writes in its owner's persistence/ and export a service for the others:\n${where}`,
      });
    }
  }
  for (const table of Object.keys(shared).sort()) {
    if (!writers.has(table)) {
      out.push({
        rule: 'table-writer',
        file: 'test/architecture',
        key: table,
        detail: `${table} is listed as shared but no module writes it: drop it from the list`,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- helpers

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
