/**
 * Request shapes of the compliance API. class-validator checks the shape and says which field is wrong;
 * the rule language (validateRule) then checks what only it can: CEL syntax and types, trigger kinds,
 * parameter declarations. Both answer 400 with `details: [{field, problems}]`.
 */
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IDENTIFIER_MAX_LENGTH, IDENTIFIER_PATTERN } from '../../ingestion/domain/event-formats';
import { FRAMEWORKS, SEVERITIES, type Framework, type Severity } from '../domain/rule';

const RULE_ID = /^[A-Za-z][A-Za-z0-9._-]{1,63}$/;

export const RULE_EXAMPLE = {
  id: 'GDPR-01',
  framework: 'GDPR',
  reference: 'GDPR Art. 7(3), 6(1)(a)',
  severity: 'high',
  title: 'Processing after consent was withdrawn',
  description:
    'Personal data was used for a purpose after the viewer withdrew the consent that purpose relies on.',
  remediation: 'Stop the processing for this purpose and check that the withdrawal reached every system.',
  triggers: ['tracking.fired', 'ad.served', 'data.accessed', 'data.shared', 'data.exported'],
  condition:
    'data.purpose != "" && consent.state == "withdrawn" && consent.basis == "consent" && event.at > consent.at + minutes(params.graceMinutes)',
  explanation:
    '"Viewer " + viewer.userId + " withdrew consent for " + data.purpose + " at " + iso(consent.at) + "; " + event.summary + "."',
  findingSeverityOverride: [{ when: 'data.recipientType == "third_party"', severity: 'critical' }],
  parameters: {
    graceMinutes: {
      type: 'number',
      default: 60,
      min: 0,
      max: 1440,
      description: 'Propagation time allowed.',
    },
  },
};

/** A rule as an editor submits it; the server assigns the version. */
export class RuleDraftDto {
  @ApiProperty({ description: 'Stable id; a change is a new version of the same id', example: 'GDPR-01' })
  @IsString({ message: 'id must be text' })
  @Matches(RULE_ID, {
    message: 'id must be 2-64 characters: letters, digits, ".", "_" or "-", starting with a letter',
  })
  id: string;

  @ApiProperty({ enum: FRAMEWORKS })
  @IsIn(FRAMEWORKS, { message: `framework must be one of: ${FRAMEWORKS.join(', ')}` })
  framework: Framework;

  @ApiProperty({ description: 'Article or section', example: 'GDPR Art. 7(3), 6(1)(a)' })
  @IsString({ message: 'reference must be text' })
  @Length(3, 300, { message: 'reference must be 3 to 300 characters' })
  reference: string;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES, { message: `severity must be one of: ${SEVERITIES.join(', ')}` })
  severity: Severity;

  @ApiProperty()
  @IsString({ message: 'title must be text' })
  @Length(3, 200, { message: 'title must be 3 to 200 characters' })
  title: string;

  @ApiProperty()
  @IsString({ message: 'description must be text' })
  @Length(3, 4000, { message: 'description must be 3 to 4000 characters' })
  description: string;

  @ApiProperty()
  @IsString({ message: 'remediation must be text' })
  @Length(3, 4000, { message: 'remediation must be 3 to 4000 characters' })
  remediation: string;

  @ApiProperty({ description: 'Event types, or exactly one schedule.* kind', example: ['data.accessed'] })
  @IsArray({ message: 'triggers must be a list' })
  @ArrayMinSize(1, { message: 'triggers must list at least one event type or schedule.* kind' })
  @ArrayMaxSize(40, { message: 'triggers may list at most 40 entries' })
  @IsString({ each: true, message: 'each trigger must be text' })
  triggers: string[];

  @ApiProperty({ description: 'CEL expression; true = violation' })
  @IsString({ message: 'condition must be a CEL expression (text)' })
  @Length(1, 8000, { message: 'condition must be 1 to 8000 characters' })
  condition: string;

  @ApiPropertyOptional({ description: 'CEL string expression explaining a finding' })
  @IsOptional()
  @IsString({ message: 'explanation must be a CEL expression (text)' })
  @Length(1, 8000, { message: 'explanation must be 1 to 8000 characters' })
  explanation?: string;

  @ApiPropertyOptional({
    description: 'First {when, severity} whose CEL `when` holds sets the severity',
    example: [{ when: 'data.recipientType == "third_party"', severity: 'critical' }],
  })
  @IsOptional()
  @IsArray({ message: 'findingSeverityOverride must be a list of {when, severity}' })
  @ArrayMaxSize(10, { message: 'findingSeverityOverride may hold at most 10 entries' })
  @IsObject({ each: true, message: 'each findingSeverityOverride entry must be an object {when, severity}' })
  findingSeverityOverride?: Array<{ when: string; severity: Severity }>;

  @ApiPropertyOptional({ enum: ['before_event', 'after_event'] })
  @IsOptional()
  @IsIn(['before_event', 'after_event'], { message: 'stateAsOf must be before_event or after_event' })
  stateAsOf?: 'before_event' | 'after_event';

  @ApiPropertyOptional({ description: 'name → {type, default, description, min?, max?, oneOf?}' })
  @IsOptional()
  @IsObject({ message: 'parameters must be an object of name → {type, default, description}' })
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Default: true for a new rule, unchanged for a new version' })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

/** A new version of a rule: the whole definition again (the id comes from the path). */
export class RuleVersionDto extends OmitType(RuleDraftDto, ['id'] as const) {
  @ApiPropertyOptional({ description: 'If given, must equal the id in the path' })
  @IsOptional()
  @IsString({ message: 'id must be text' })
  id?: string;
}

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class RuleListQueryDto {
  @ApiPropertyOptional({ enum: FRAMEWORKS })
  @IsOptional()
  @IsIn(FRAMEWORKS, { message: `framework must be one of: ${FRAMEWORKS.join(', ')}` })
  framework?: Framework;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(500, { message: 'limit must be at most 500' })
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0, { message: 'offset must not be negative' })
  offset?: number;
}

export class BacktestDto {
  @ApiProperty({ type: RuleDraftDto, description: 'A new rule, or a changed version of an existing rule id' })
  @IsObject({ message: 'draft must be a rule object' })
  @ValidateNested()
  @Type(() => RuleDraftDto)
  draft: RuleDraftDto;

  @ApiProperty({
    example: '2026-03-01T00:00:00Z',
    description: 'Range start (inclusive), ISO-8601 with zone',
  })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time' })
  from: string;

  @ApiProperty({ example: '2026-04-01T00:00:00Z', description: 'Range end (exclusive)' })
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time' })
  to: string;

  @ApiPropertyOptional({ default: 20, description: 'Findings kept per sample list' })
  @IsOptional()
  @IsInt({ message: 'sampleSize must be an integer' })
  @Min(1, { message: 'sampleSize must be at least 1' })
  @Max(100, { message: 'sampleSize must be at most 100' })
  sampleSize?: number;
}

export class ViewerIdParam {
  @ApiProperty({ example: 'v-7f3a9c' })
  @IsString()
  @Length(1, IDENTIFIER_MAX_LENGTH, { message: `userId must be 1 to ${IDENTIFIER_MAX_LENGTH} characters` })
  @Matches(IDENTIFIER_PATTERN, {
    message: 'userId must be a pseudonymous id: letters, digits, ".", "_", ":" or "-"',
  })
  userId: string;
}

export class BacktestRunParam {
  @ApiProperty({ format: 'uuid', description: 'The run id POST /compliance/rules/backtest answered' })
  @IsUUID('4', { message: 'runId must be a UUID' })
  runId: string;
}

export class RuleIdParam {
  @ApiProperty({ example: 'GDPR-01' })
  @IsString()
  @Matches(RULE_ID, {
    message: 'ruleId must be 2-64 characters: letters, digits, ".", "_" or "-", starting with a letter',
  })
  ruleId: string;
}

export class LedgerQueryDto {
  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be an integer' })
  @Min(0, { message: 'offset must not be negative' })
  offset?: number;
}

export class RequestsQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'all'], { message: 'status must be open or all' })
  status?: 'open' | 'all';
}
