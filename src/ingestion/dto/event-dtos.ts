import { type EventFamily, type EventType, familyOf } from '../domain/event-types';
import { AccountEventDto } from './account-events.dto';
import { AdvertisingEventDto } from './advertising-events.dto';
import { AuthEventDto } from './auth-events.dto';
import { BreachEventDto } from './breach-events.dto';
import { ConsentEventDto } from './consent-events.dto';
import { DsrEventDto } from './dsr-events.dto';
import type { EventEnvelopeDto } from './event-envelope.dto';
import { ErrorEventDto } from './error-events.dto';
import { PersonalDataEventDto } from './personal-data-events.dto';
import { PlaybackEventDto } from './playback-events.dto';

export type EventDtoClass = new () => EventEnvelopeDto;

/** One DTO per family; within a family the payload class is chosen by `type` (see payloadFor). */
export const EVENT_DTO_BY_FAMILY: Readonly<Record<EventFamily, EventDtoClass>> = {
  auth: AuthEventDto,
  account: AccountEventDto,
  playback: PlaybackEventDto,
  consent: ConsentEventDto,
  advertising: AdvertisingEventDto,
  personal_data: PersonalDataEventDto,
  dsr: DsrEventDto,
  breach: BreachEventDto,
  error: ErrorEventDto,
};

export function eventDtoFor(type: EventType): EventDtoClass {
  return EVENT_DTO_BY_FAMILY[familyOf(type)];
}
