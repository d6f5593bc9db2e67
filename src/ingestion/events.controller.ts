import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../security/auth.decorators';
import { Ctx, RequestContext } from '../security/principal';
import { Role } from '../security/roles';
import { anyEventSchema } from './dto/event-openapi';
import { EVENT_EXAMPLES } from './dto/event-examples';
import { validationException } from '../common/http/validation';
import { BodyTextCheckedPerItem } from '../common/http/text-input.interceptor';
import { EventStore } from './persistence/event-store.repository';
import { eventReadScope } from './domain/event-read-scope';
import { IngestionService } from './ingestion.service';
import type { AcceptResult } from './domain/accept-result';
import type { EventStatus } from './domain/event-status';
import { AcceptedEventsDto, BatchAcceptResultDto, EventStatusDto } from './dto/event-responses.dto';
import { ErrorBodyDto } from '../common/http/error-body.dto';

export const MAX_EVENTS_PER_BATCH = 1000;

const EXAMPLES = Object.fromEntries(
  Object.entries(EVENT_EXAMPLES).map(([type, value]) => [type, { summary: type, value }]),
);
// The components these refer to are added to the document from the event contract (documentEventContract).
const ANY_EVENT = anyEventSchema();

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly store: EventStore,
  ) {}

  @Post()
  @HttpCode(202)
  @BodyTextCheckedPerItem()
  @Roles(Role.Ingest, Role.Admin)
  @ApiOperation({
    summary:
      'Accept one event (durable before the answer; an already-seen eventId is a duplicate, not an error)',
  })
  @ApiBody({ schema: ANY_EVENT, examples: EXAMPLES })
  @ApiAcceptedResponse({ type: AcceptedEventsDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'The event breaks the contract; details name each field and its problems',
  })
  async acceptOne(
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
  ): Promise<Omit<AcceptResult, 'rejected'>> {
    if (Array.isArray(body))
      throw new BadRequestException('send one event object here, or use POST /api/v1/events/batch');
    const result = await this.ingestion.accept([body], ctx.principal!);
    if (result.rejected.length > 0) throw validationException(result.rejected[0].details);
    return { accepted: result.accepted, duplicates: result.duplicates };
  }

  @Post('batch')
  @HttpCode(202)
  // The event validator applies the text rule per event: one bad event is rejected by index, not the batch.
  @BodyTextCheckedPerItem()
  @Roles(Role.Ingest, Role.Admin)
  @ApiOperation({
    summary: `Accept up to ${MAX_EVENTS_PER_BATCH} events; invalid items are rejected by index while the valid ones are accepted`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['events'],
      additionalProperties: false,
      properties: {
        events: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_EVENTS_PER_BATCH,
          items: ANY_EVENT,
        },
      },
    },
    examples: {
      mixed: {
        summary: 'two events',
        value: { events: [EVENT_EXAMPLES['consent.granted'], EVENT_EXAMPLES['playback.started']] },
      },
    },
  })
  @ApiAcceptedResponse({
    type: BatchAcceptResultDto,
    description: 'Each event is accepted, a duplicate, or rejected by index with the same details as a 400',
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'The body is not {events: [1…1000 events]}; a single invalid event is rejected by index instead',
  })
  async acceptBatch(@Body() body: unknown, @Ctx() ctx: RequestContext): Promise<AcceptResult> {
    const events = (body as { events?: unknown } | null)?.events;
    const extra = body && typeof body === 'object' ? Object.keys(body).filter((k) => k !== 'events') : [];
    if (!Array.isArray(events))
      throw validationException([{ field: 'events', problems: ['events must be an array of events'] }]);
    if (extra.length > 0)
      throw validationException(
        extra.map((field) => ({ field, problems: [`property ${field} should not exist`] })),
      );
    if (events.length === 0 || events.length > MAX_EVENTS_PER_BATCH) {
      throw validationException([
        {
          field: 'events',
          problems: [`events must hold 1 to ${MAX_EVENTS_PER_BATCH} events, got ${events.length}`],
        },
      ]);
    }
    return this.ingestion.accept(events, ctx.principal!);
  }

  @Get(':eventId')
  @Roles(Role.Ingest, Role.Admin, Role.Operator, Role.ComplianceOfficer)
  @ApiOperation({ summary: 'Where an event is in the pipeline, what reception made of it, and its findings' })
  @ApiOkResponse({
    type: EventStatusDto,
    description: "stage is the stage the event's batch is in (done when it left alerting)",
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'eventId is not a UUID' })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'Never accepted, or (for an API key) sent by another service account',
  })
  async status(
    @Param('eventId', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) eventId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<EventStatus> {
    // Another producer's event is answered exactly like an unknown one: its existence is not ours to tell.
    const status = await this.store.status(eventId, eventReadScope(ctx.principal!)?.senderUserId ?? null);
    if (!status) throw new NotFoundException(`event ${eventId} was never accepted`);
    return status;
  }
}
