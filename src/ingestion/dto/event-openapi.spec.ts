import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { JsonSchema } from '../domain/contract-schema';
import { eventJsonSchema } from '../domain/event-contract';
import { EVENT_TYPES } from '../domain/event-types';
import { anyEventSchema, eventComponentName, eventContractComponents } from './event-openapi';

const components = eventContractComponents();

function resolve(schema: SchemaObject & { $ref?: string }): SchemaObject {
  if (schema.$ref !== undefined) return components[schema.$ref.split('/').pop()!];
  const ref = (schema.allOf?.[0] as { $ref?: string } | undefined)?.$ref;
  return ref === undefined ? schema : components[ref.split('/').pop()!];
}

const BOUNDS = [
  'enum',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
] as const;

describe('OpenAPI schemas of the event contract', () => {
  it('have one component per event type, referenced by the request body', () => {
    expect(eventComponentName('security.breach.confirmed')).toBe('SecurityBreachConfirmedEvent');
    expect(eventComponentName('dsr.recipient_notified')).toBe('DsrRecipientNotifiedEvent');
    const refs = (anyEventSchema().oneOf as Array<{ $ref: string }>).map((ref) => ref.$ref.split('/').pop());
    expect(refs).toEqual(EVENT_TYPES.map(eventComponentName));
    for (const name of refs) expect(components[name!]).toBeDefined();
  });

  it('state the bounds, enums and presence the validator checks, field by field', () => {
    const compare = (where: string, documented: SchemaObject, checked: JsonSchema): void => {
      const properties = documented.properties as Record<string, SchemaObject>;
      const checkedProperties = checked.properties as Record<string, JsonSchema>;
      expect([where, Object.keys(properties)]).toEqual([where, Object.keys(checkedProperties)]);
      expect([where, documented.required ?? []]).toEqual([where, checked.required]);
      for (const [name, property] of Object.entries(checkedProperties)) {
        const doc = resolve(properties[name]);
        if (name === 'type' && where === 'event') continue; // one type per component, the family in the schema
        if (property.type === 'object' && property.properties !== undefined) {
          compare(`${where}.${name}`, doc, property);
          continue;
        }
        for (const bound of BOUNDS) {
          if (property[bound] !== undefined)
            expect([where, name, bound, doc[bound]]).toEqual([where, name, bound, property[bound]]);
        }
        const items = property.items as JsonSchema | undefined;
        for (const bound of BOUNDS) {
          if (items?.[bound] !== undefined)
            expect([where, name, bound, (doc.items as SchemaObject)[bound]]).toEqual([
              where,
              name,
              bound,
              items[bound],
            ]);
        }
      }
    };
    for (const type of EVENT_TYPES)
      compare('event', components[eventComponentName(type)], eventJsonSchema(type));
  });

  it('carry the documentation written in the contract', () => {
    const consent = components.ConsentChangeData.properties as Record<string, SchemaObject>;
    expect(consent.noticeVersion.description).toBe(
      'Version of the notice shown. Must be a short label of 1 to 32 characters.',
    );
    expect(consent.noticeVersion.example).toBe('2026-02');
    expect((components.ConsentGrantedEvent.properties as Record<string, SchemaObject>).type.enum).toEqual([
      'consent.granted',
    ]);
    expect(components.AgeVerifiedData.allOf).toHaveLength(2);
  });

  it('use only what OpenAPI 3.0 knows', () => {
    const text = JSON.stringify(components);
    for (const keyword of ['"timestampWithZone"', '"maxJsonBytes"', '"propertyNames"', '"$id"', '"type":["'])
      expect([keyword, text.includes(keyword)]).toEqual([keyword, false]);
  });
});
