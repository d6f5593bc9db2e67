/**
 * Request shapes of the ML API. class-validator says which field is wrong (400 with
 * `details: [{field, problems}]`); the ground-truth file, whose scenario names are open, is checked by
 * groundTruthLabels() with the same answer shape.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IDENTIFIER_MAX_LENGTH, IDENTIFIER_PATTERN } from '../../ingestion/domain/event-formats';
import { validationException } from '../../common/http/validation';
import type { FieldError } from '../../common/http/error-body';

const MAX_LABELLED_VIEWERS = 100_000;
const USER_ID_MESSAGE = `must be pseudonymous viewer ids (1-${IDENTIFIER_MAX_LENGTH} characters: letters, digits, ".", "_", ":" or "-")`;

export class ViewerIdParam {
  @ApiProperty({ example: 'v-7f3a9c' })
  @IsString()
  @Length(1, IDENTIFIER_MAX_LENGTH, { message: `userId must be 1 to ${IDENTIFIER_MAX_LENGTH} characters` })
  @Matches(IDENTIFIER_PATTERN, {
    message: 'userId must be a pseudonymous id: letters, digits, ".", "_", ":" or "-"',
  })
  userId: string;
}

export class ModelVersionParam {
  @ApiProperty({ example: 3 })
  @Type(() => Number)
  @IsInt({ message: 'version must be a whole number' })
  @Min(1, { message: 'version must be 1 or more' })
  @Max(2_147_483_647, { message: 'version is too large' })
  version: number;
}

export class TrainingRunIdParam {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'id must be a UUID',
  })
  id: string;
}

export class LabelsDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'Viewers known to have behaved anomalously',
    example: ['v-7f3a9c'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LABELLED_VIEWERS)
  @IsString({ each: true, message: `positive ${USER_ID_MESSAGE}` })
  @Length(1, IDENTIFIER_MAX_LENGTH, { each: true, message: `positive ${USER_ID_MESSAGE}` })
  @Matches(IDENTIFIER_PATTERN, { each: true, message: `positive ${USER_ID_MESSAGE}` })
  positive?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Viewers known to have behaved normally',
    example: ['v-0c11d2'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LABELLED_VIEWERS)
  @IsString({ each: true, message: `negative ${USER_ID_MESSAGE}` })
  @Length(1, IDENTIFIER_MAX_LENGTH, { each: true, message: `negative ${USER_ID_MESSAGE}` })
  @Matches(IDENTIFIER_PATTERN, { each: true, message: `negative ${USER_ID_MESSAGE}` })
  negative?: string[];
}

export class DetectorWeightsDto {
  @ApiPropertyOptional({ description: 'Weight of the isolation forest (default 1; 0 leaves it out)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  isolationForest?: number;

  @ApiPropertyOptional({ description: 'Weight of the local outlier factor (default 1; 0 leaves it out)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  localOutlierFactor?: number;

  @ApiPropertyOptional({ description: 'Weight of the robust z-score (default 1; 0 leaves it out)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  robustZScore?: number;
}

/** A labelled window kept out of training: the model is evaluated on it and the result stored with it. */
export class HoldOutDto {
  @ApiProperty({ description: 'Start of the held-out window', example: '2026-03-02T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'holdOut.windowStart must be an ISO-8601 date-time' })
  windowStart!: string;

  @ApiProperty({ description: 'End of the held-out window, exclusive', example: '2026-03-03T00:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'holdOut.windowEnd must be an ISO-8601 date-time' })
  windowEnd!: string;

  @ApiPropertyOptional({ type: LabelsDto, description: 'Labelled viewers of the held-out window' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LabelsDto)
  labels?: LabelsDto;

  @ApiPropertyOptional({ description: "The held-out run's simulator ground-truth file, as is" })
  @IsOptional()
  @IsObject({ message: 'holdOut.groundTruth must be an object like {scenarios: {...}, cleanViewers: [...]}' })
  groundTruth?: Record<string, unknown>;
}

export class TrainModelDto {
  @ApiPropertyOptional({
    description: 'Start of the snapshot window (default: 30 days before windowEnd)',
    example: '2026-03-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'windowStart must be an ISO-8601 date-time' })
  windowStart?: string;

  @ApiPropertyOptional({ description: 'End of the snapshot window, exclusive (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'windowEnd must be an ISO-8601 date-time' })
  windowEnd?: string;

  @ApiPropertyOptional({
    description:
      'Seed of the forest and the LOF reference sample (default 1): same rows and seed, same model',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4_294_967_295)
  seed?: number;

  @ApiPropertyOptional({ description: 'Most recent snapshots of the window used, at most (default 100000)' })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(1_000_000)
  maxSamples?: number;

  @ApiPropertyOptional({ description: 'Isolation forest trees (default 100)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  treeCount?: number;

  @ApiPropertyOptional({ description: 'Rows per isolation tree (default min(256, rows))' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(100_000)
  subsampleSize?: number;

  @ApiPropertyOptional({ description: 'LOF neighbours k (default 20)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  neighbourCount?: number;

  @ApiPropertyOptional({ description: 'LOF reference rows kept in the model (default 2048)' })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(100_000)
  lofReferenceSampleSize?: number;

  @ApiPropertyOptional({
    type: DetectorWeightsDto,
    description: "Each detector's weight in the ensemble's combination",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => DetectorWeightsDto)
  weights?: DetectorWeightsDto;

  @ApiPropertyOptional({
    type: LabelsDto,
    description: 'Ground truth for the evaluation, with the stored feedback labels',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => LabelsDto)
  labels?: LabelsDto;

  @ApiPropertyOptional({
    description:
      "The simulator's ground-truth file, as is: every scenario's viewers are positive, cleanViewers negative (staff actors and affected viewers are not labelled)",
    example: {
      scenarios: { credential_stuffing: { viewers: ['v-1'], actors: [], eventIds: [] } },
      cleanViewers: ['v-2'],
    },
  })
  @IsOptional()
  @IsObject({
    message: 'groundTruth must be an object like {scenarios: {name: {viewers: [...]}}, cleanViewers: [...]}',
  })
  groundTruth?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: HoldOutDto,
    description:
      'Out-of-sample evaluation: a window that does not overlap the training window (e.g. another simulator run) ' +
      'with its own labels; the result is stored as metrics.outOfSample',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => HoldOutDto)
  holdOut?: HoldOutDto;
}

export class TrainingRunsQueryDto {
  @ApiPropertyOptional({ default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class ModelsQueryDto {
  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

/**
 * Positive and negative viewers of a request: `labels` plus the ground-truth file's. A viewer on both
 * sides is refused (400, naming the field), as is a malformed file.
 */
export function requestLabels(
  dto: Pick<TrainModelDto, 'labels' | 'groundTruth'>,
  /** where the fields sit in the body, for error messages: '' or 'holdOut.' */
  prefix = '',
): { positive: string[]; negative: string[] } | undefined {
  if (!dto.labels && !dto.groundTruth) return undefined;
  const positive = new Set(dto.labels?.positive ?? []);
  const negative = new Set(dto.labels?.negative ?? []);
  if (dto.groundTruth) {
    const truth = groundTruthLabels(dto.groundTruth, `${prefix}groundTruth`);
    truth.positive.forEach((id) => positive.add(id));
    truth.negative.forEach((id) => negative.add(id));
  }
  const both = [...positive].filter((id) => negative.has(id));
  if (both.length > 0) {
    throw validationException([
      {
        field: `${prefix}labels`,
        problems: [
          `viewers labelled both positive and negative: ${both.slice(0, 5).join(', ')}${both.length > 5 ? ', …' : ''}`,
        ],
      },
    ]);
  }
  if (positive.size + negative.size > MAX_LABELLED_VIEWERS) {
    throw validationException([
      { field: `${prefix}labels`, problems: [`at most ${MAX_LABELLED_VIEWERS} labelled viewers`] },
    ]);
  }
  return { positive: [...positive], negative: [...negative] };
}

export function groundTruthLabels(
  truth: Record<string, unknown>,
  field = 'groundTruth',
): {
  positive: string[];
  negative: string[];
} {
  const errors: FieldError[] = [];
  const ids = (value: unknown, field: string): string[] => {
    if (!Array.isArray(value)) {
      errors.push({ field, problems: ['must be an array of viewer ids'] });
      return [];
    }
    const bad = value.findIndex(
      (id) => typeof id !== 'string' || id.length > IDENTIFIER_MAX_LENGTH || !IDENTIFIER_PATTERN.test(id),
    );
    if (bad >= 0) {
      errors.push({ field: `${field}[${bad}]`, problems: [USER_ID_MESSAGE] });
      return [];
    }
    return value as string[];
  };
  const positive: string[] = [];
  const scenarios = truth.scenarios;
  if (typeof scenarios !== 'object' || scenarios === null || Array.isArray(scenarios)) {
    errors.push({
      field: `${field}.scenarios`,
      problems: ['must be an object of scenarios, each with a viewers array'],
    });
  } else {
    for (const [name, scenario] of Object.entries(scenarios)) {
      if (typeof scenario !== 'object' || scenario === null) {
        errors.push({
          field: `${field}.scenarios.${name}`,
          problems: ['must be an object with a viewers array'],
        });
        continue;
      }
      positive.push(
        ...ids((scenario as { viewers?: unknown }).viewers, `${field}.scenarios.${name}.viewers`),
      );
    }
  }
  const negative = ids(truth.cleanViewers, `${field}.cleanViewers`);
  if (errors.length > 0) throw validationException(errors);
  return { positive, negative };
}

/** The request's detector weights; all three at 0 would leave the ensemble nothing to combine. */
export function requestWeights(dto: TrainModelDto): TrainModelDto['weights'] {
  if (!dto.weights) return undefined;
  const { isolationForest, localOutlierFactor, robustZScore } = dto.weights;
  const resolved = [isolationForest ?? 1, localOutlierFactor ?? 1, robustZScore ?? 1];
  if (resolved.every((weight) => weight === 0)) {
    throw validationException([
      { field: 'weights', problems: ['at least one detector weight must be above 0'] },
    ]);
  }
  return { ...dto.weights };
}
