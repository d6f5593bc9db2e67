/**
 * Reads the live OpenAPI document into the list of operations the fuzz drives: every path and
 * method, with its parameters and body schema ($ref resolved lazily by the generators).
 */

export type Schema = Record<string, any>;

export interface OpenApiDoc {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
  /** Not in the document: a `{name}` of the path template the document does not describe. */
  undocumented?: boolean;
}

export interface Operation {
  /** "METHOD /path/{template}" */
  key: string;
  method: string;
  path: string;
  /** x-roles of the operation; empty = public (or a token other than a user's, like /metrics). */
  roles: string[];
  security: string[];
  parameters: Parameter[];
  body?: Schema;
  /** The documented request-body examples (valid requests the generators start from too). */
  examples: unknown[];
  /** Server-sent events: the answer never ends, so only its headers are awaited. */
  streaming: boolean;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const parameters: Parameter[] = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map((p: any) => resolve(doc, p))
        .filter((p: any) => p.in === 'path' || p.in === 'query' || p.in === 'header')
        .map((p: any) => ({ name: p.name, in: p.in, required: p.required === true, schema: p.schema ?? { type: 'string' } }));
      // A template variable the document forgot is still a path parameter the route reads.
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!parameters.some((p) => p.in === 'path' && p.name === name)) parameters.push({ name, in: 'path', required: true, schema: { type: 'string' }, undocumented: true });
      }
      const content = op.requestBody?.content ?? {};
      const json = content['application/json'];
      const body = json?.schema;
      const examples = [json?.example, ...Object.values<any>(json?.examples ?? {}).map((e) => resolve(doc, e)?.value)].filter((e) => e !== undefined);
      const produces = Object.values<any>(op.responses ?? {}).flatMap((r) => Object.keys(resolve(doc, r)?.content ?? {}));
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        roles: op['x-roles'] ?? [],
        security: (op.security ?? []).flatMap((s: Record<string, unknown>) => Object.keys(s)),
        parameters,
        body,
        examples,
        streaming: produces.includes('text/event-stream') || /\/stream$/.test(path),
      });
    }
  }
  return operations;
}

/** Follows a local $ref (#/components/...) once; other values come back as they are. */
export function resolve(doc: OpenApiDoc, value: any): any {
  let current = value;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 20; hops++) {
    const parts = current.$ref.replace(/^#\//, '').split('/');
    current = parts.reduce((node: any, part: string) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return current;
}
