/**
 * Swagger's view of what the events endpoints answer. The code's types are AcceptResult and EventStatus
 * (domain); these classes implement them, so the two cannot drift apart silently.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SEVERITIES } from '../../common/domain/severity';
import { FieldErrorDto } from '../../common/http/error-body.dto';
import type { EventFinding, EventStatus } from '../domain/event-status';
import type { AcceptResult, Rejection } from '../domain/accept-result';

const EVENT_ID_EXAMPLE = '5d952270-b7b6-40a5-a8f9-274e20e6a95f';

export class AcceptedEventsDto implements Omit<AcceptResult, 'rejected'> {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Stored now', example: [EVENT_ID_EXAMPLE] })
  accepted!: string[];

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Already stored earlier (or twice in this request): not stored again, not an error',
    example: [],
  })
  duplicates!: string[];
}

export class RejectedEventDto implements Rejection {
  @ApiProperty({ description: 'Position of the event in the batch (from 0)', example: 1 })
  index!: number;

  @ApiPropertyOptional({ description: 'The eventId the rejected event carried, if it had one', format: 'uuid' })
  eventId?: string;

  @ApiProperty({
    type: [FieldErrorDto],
    description: 'Each rejected field with its problems (the same shape as a 400’s details)',
    example: [{ field: 'country', problems: ['country must be an ISO 3166-1 alpha-2 code'] }],
  })
  details!: FieldErrorDto[];
}

export class BatchAcceptResultDto extends AcceptedEventsDto implements AcceptResult {
  @ApiProperty({ type: [RejectedEventDto], description: 'Invalid events, by index; the valid ones were accepted' })
  rejected!: RejectedEventDto[];
}

const nullableTime = { type: String, format: 'date-time', nullable: true } as const;
const nullableText = { type: String, nullable: true } as const;

export class EventFindingDto implements EventFinding {
  @ApiProperty({ enum: ['compliance', 'ml', 'security'] })
  kind!: string;

  @ApiProperty({ example: 'GDPR-01' })
  ruleId!: string;

  @ApiProperty({ example: '1' })
  ruleVersion!: string;

  @ApiProperty({ example: 'GDPR' })
  framework!: string;

  @ApiProperty({ ...nullableText, example: 'GDPR Art. 7(3), 6(1)(a)' })
  reference!: string | null;

  @ApiProperty({ enum: SEVERITIES })
  severity!: string;

  @ApiProperty()
  explanation!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What the rule or detector saw; its keys are the rule’s own vocabulary (data, not API fields)',
  })
  details!: Record<string, unknown>;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}

export class EventStatusDto implements EventStatus {
  @ApiProperty({ format: 'uuid', example: EVENT_ID_EXAMPLE })
  eventId!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  occurredAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  receivedAt!: Date;

  @ApiProperty({ format: 'uuid' })
  batchId!: string;

  @ApiProperty({
    enum: ['reception', 'compliance', 'ml', 'violation', 'alerting', 'done'],
    description: 'The stage the event’s batch is in; done once it left alerting',
  })
  stage!: string;

  @ApiProperty({ enum: ['open', 'queued', 'done', 'dead', 'discarded'], description: 'The batch’s status' })
  status!: string;

  @ApiProperty(nullableTime)
  completedAt!: Date | null;

  @ApiProperty({ ...nullableText, description: 'Why the batch went to dead letter, if it did' })
  lastError!: string | null;

  @ApiProperty({ ...nullableText, description: 'Null until reception has processed the event', example: 'playback.started' })
  type!: string | null;

  @ApiProperty(nullableText)
  userId!: string | null;

  @ApiProperty({ ...nullableText, example: 'viewer' })
  actorType!: string | null;

  @ApiProperty({ ...nullableText, example: 'DE' })
  country!: string | null;

  @ApiProperty({
    ...nullableText,
    description: 'The network the event came from (/24 for IPv4, /48 for IPv6); the full address is not kept',
    example: '198.51.100.0/24',
  })
  ipPrefix!: string | null;

  @ApiProperty(nullableText)
  deviceType!: string | null;

  @ApiProperty(nullableText)
  os!: string | null;

  @ApiProperty(nullableText)
  browser!: string | null;

  @ApiProperty(nullableTime)
  processedAt!: Date | null;

  @ApiProperty({ type: [EventFindingDto] })
  findings!: EventFindingDto[];
}
