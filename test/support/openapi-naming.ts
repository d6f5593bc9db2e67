/**
 * Walks an OpenAPI document for names a client has to type: every property of every schema (components
 * and inline; request bodies, responses and parameters) and every path or query parameter. Header names
 * (X-API-Key) follow HTTP's own convention and are left out.
 */

type Json = Record<string, any>;

export const CAMEL_CASE = /^[a-z][a-zA-Z0-9]*$/;

export interface NamedThing {
  /** Where the name is, e.g. "components.schemas.EventStatusDto.properties.ip_prefix". */
  at: string;
  name: string;
}

export function apiNames(doc: Json): NamedThing[] {
  const names: NamedThing[] = [];
  for (const [name, schema] of Object.entries<Json>(doc.components?.schemas ?? {})) {
    walkSchema(schema, `components.schemas.${name}`, names);
  }
  for (const [name, parameter] of Object.entries<Json>(doc.components?.parameters ?? {})) {
    walkParameter(parameter, `components.parameters.${name}`, names);
  }
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    (item.parameters ?? []).forEach((p: Json, i: number) => walkParameter(p, `paths.${path}.parameters[${i}]`, names));
    for (const [method, op] of Object.entries<Json>(item)) {
      if (method === 'parameters' || typeof op !== 'object' || op === null) continue;
      const at = `${method.toUpperCase()} ${path}`;
      (op.parameters ?? []).forEach((p: Json) => walkParameter(p, `${at} parameter`, names));
      walkContent(op.requestBody?.content, `${at} requestBody`, names);
      for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
        walkContent(response.content, `${at} ${status}`, names);
      }
    }
  }
  return names;
}

/** The names that are not camelCase, one line each ("where: name"). */
export function namesNotInCamelCase(doc: Json): string[] {
  return apiNames(doc)
    .filter(({ name }) => !CAMEL_CASE.test(name))
    .map(({ at, name }) => `${at}: ${name}`);
}

function walkParameter(parameter: Json, at: string, names: NamedThing[]): void {
  if (parameter.$ref) return; // a component parameter, walked under components
  if (parameter.in === 'path' || parameter.in === 'query') names.push({ at: `${at} (${parameter.in})`, name: parameter.name });
  if (parameter.schema) walkSchema(parameter.schema, `${at} ${parameter.name}`, names);
}

function walkContent(content: Json | undefined, at: string, names: NamedThing[]): void {
  for (const [mediaType, media] of Object.entries<Json>(content ?? {})) {
    if (media.schema) walkSchema(media.schema, `${at} ${mediaType}`, names);
  }
}

function walkSchema(schema: Json, at: string, names: NamedThing[], depth = 0): void {
  // $ref points into components, which are walked on their own.
  if (typeof schema !== 'object' || schema === null || schema.$ref || depth > 50) return;
  for (const [name, property] of Object.entries<Json>(schema.properties ?? {})) {
    names.push({ at: `${at}.properties`, name });
    walkSchema(property, `${at}.properties.${name}`, names, depth + 1);
  }
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (!(name in (schema.properties ?? {}))) names.push({ at: `${at}.required`, name });
  }
  if (typeof schema.discriminator?.propertyName === 'string') {
    names.push({ at: `${at}.discriminator`, name: schema.discriminator.propertyName });
  }
  if (schema.items) walkSchema(schema.items, `${at}.items`, names, depth + 1);
  if (typeof schema.additionalProperties === 'object') {
    walkSchema(schema.additionalProperties, `${at}.additionalProperties`, names, depth + 1);
  }
  if (schema.not) walkSchema(schema.not, `${at}.not`, names, depth + 1);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    (schema[key] ?? []).forEach((part: Json, i: number) => walkSchema(part, `${at}.${key}[${i}]`, names, depth + 1));
  }
}
