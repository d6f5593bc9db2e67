import request from 'supertest';
import { Role } from '../../src/security/roles';
import { makeEvent } from '../support/events';
import { namesNotInCamelCase } from '../support/openapi-naming';
import { bootTestApp, TestApp } from '../support/test-app';
import { tokenFor } from '../support/users';

/** Issue 14, must have 7: one API shape. Every documented name is camelCase, as the answers are. */
describe('API naming over the live OpenAPI document', () => {
  let t: TestApp;
  let doc: Record<string, any>;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api' });
    doc = (await request(t.http).get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('names every property and parameter in camelCase (lists the offenders)', () => {
    expect(namesNotInCamelCase(doc)).toEqual([]);
  });

  it('finds a snake_case name wherever the document can hold one (so the check above can fail)', () => {
    const hostile = {
      components: {
        schemas: { Row: { type: 'object', properties: { event_id: { type: 'string' } } } },
        parameters: { Page: { name: 'page_size', in: 'query', schema: { type: 'integer' } } },
      },
      paths: {
        '/things/{thing_id}': {
          parameters: [{ name: 'thing_id', in: 'path', schema: { type: 'string' } }],
          get: {
            parameters: [
              { name: 'sort_by', in: 'query', schema: { type: 'string' } },
              { name: 'X-API-Key', in: 'header', schema: { type: 'string' } },
            ],
            responses: {
              200: {
                content: {
                  'application/json': {
                    schema: {
                      type: 'array',
                      items: {
                        oneOf: [{ type: 'object', properties: { nested: { type: 'object', properties: { created_at: {} } } } }],
                      },
                    },
                  },
                },
              },
            },
          },
          post: {
            requestBody: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['batch_size'],
                    additionalProperties: { type: 'object', properties: { Bad: {} } },
                    discriminator: { propertyName: 'event_type' },
                  },
                },
              },
            },
            responses: {},
          },
        },
      },
    };
    const offenders = namesNotInCamelCase(hostile).map((line) => line.split(': ').pop());
    expect(offenders.sort()).toEqual(
      ['Bad', 'batch_size', 'created_at', 'event_id', 'event_type', 'page_size', 'sort_by', 'thing_id'].sort(),
    );
  });

  it('documents every path parameter of every operation, and the audit log\'s filters', () => {
    const undocumented: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<Record<string, any>>(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter((p) => p.in === 'path').map((p) => p.name);
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
          if (!declared.includes(name)) undocumented.push(`${method.toUpperCase()} ${path}: ${name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
    const auditQuery = doc.paths['/api/v1/audit'].get.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
    expect(auditQuery).toEqual(expect.arrayContaining(['actorId', 'action', 'targetType', 'targetId', 'from', 'to', 'limit', 'before']));
  });

  it('documents what the events endpoints answer, so the naming check covers them', () => {
    const schemaOf = (path: string, method: string, status: string) => {
      const ref: string | undefined = doc.paths[path]?.[method]?.responses?.[status]?.content?.['application/json']?.schema?.$ref;
      return ref ? doc.components.schemas[ref.split('/').pop()!] : undefined;
    };
    const status = schemaOf('/api/v1/events/{eventId}', 'get', '200');
    expect(Object.keys(status?.properties ?? {})).toEqual(
      expect.arrayContaining(['eventId', 'batchId', 'ipPrefix', 'processedAt', 'findings']),
    );
    expect(Object.keys(schemaOf('/api/v1/events', 'post', '202')?.properties ?? {}).sort()).toEqual(['accepted', 'duplicates']);
    const batch = schemaOf('/api/v1/events/batch', 'post', '202');
    expect(Object.keys(batch?.properties ?? {}).sort()).toEqual(['accepted', 'duplicates', 'rejected']);
    const rejected = doc.components.schemas[batch.properties.rejected.items.$ref.split('/').pop()];
    expect(Object.keys(rejected.properties).sort()).toEqual(['details', 'eventId', 'index']);
    // A batch rejection and a 400 name a rejected field with the same schema.
    const errorBody = schemaOf('/api/v1/events', 'post', '400');
    expect(rejected.properties.details.items.$ref).toBe(errorBody.properties.details.items.$ref);
  });

  it('documents the one error body for every 4xx of every operation', () => {
    const undocumented: string[] = [];
    let documented = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<Record<string, any>>(item)) {
        for (const [status, response] of Object.entries<Record<string, any>>(op.responses ?? {})) {
          if (!status.startsWith('4')) continue;
          const ref = response.content?.['application/json']?.schema?.$ref;
          if (ref === '#/components/schemas/ErrorBodyDto') documented++;
          else undocumented.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
    expect(documented).toBeGreaterThan(100);
  });

  it('answers with exactly the documented names (status, batch answer, error body)', async () => {
    const schema = (name: string): Record<string, any> => doc.components.schemas[name];
    const documented = (name: string) => Object.keys(schema(name).properties).sort();
    const admin = await tokenFor(t.app, [Role.Admin]);
    const key = (
      await request(t.http).post('/api/v1/admin/api-keys').set('Authorization', `Bearer ${admin}`).send({ name: 'naming e2e' }).expect(201)
    ).body.key;
    const ingest = (method: 'get' | 'post', path: string) => request(t.http)[method](`/api/v1${path}`).set('X-API-Key', key);

    const good = makeEvent('playback.started');
    const bad = makeEvent('playback.started', { country: 'XX' });
    const batch = (await ingest('post', '/events/batch').send({ events: [good, bad] }).expect(202)).body;
    expect(Object.keys(batch).sort()).toEqual(documented('BatchAcceptResultDto'));
    expect(Object.keys(batch.rejected[0]).sort()).toEqual(documented('RejectedEventDto'));
    expect(Object.keys(batch.rejected[0].details[0]).sort()).toEqual(documented('FieldErrorDto'));

    const status = (await ingest('get', `/events/${good.eventId}`).expect(200)).body;
    expect(Object.keys(status).sort()).toEqual(documented('EventStatusDto'));

    const error = (await ingest('post', '/events').send(bad).expect(400)).body;
    expect(Object.keys(error).sort()).toEqual(documented('ErrorBodyDto'));
  });
});
