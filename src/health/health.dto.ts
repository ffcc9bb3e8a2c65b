import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { INTEGER } from '../common/api-enums.js';

export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';
  /** How long the check took, in ms. */
  @ApiProperty({ ...INTEGER, required: false, minimum: 0 })
  responseTime?: number;
}

const indicators = {
  type: 'object',
  additionalProperties: { $ref: getSchemaPath(HealthIndicatorDto) },
} as const;

/** Terminus' health report; on failure the route answers 503 problem+json naming what is down. */
export class HealthDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
  /** Indicators that are up. */
  @ApiProperty(indicators)
  info: Record<string, HealthIndicatorDto>;
  /** Indicators that are down (empty when the status is ok). */
  @ApiProperty(indicators)
  error: Record<string, HealthIndicatorDto>;
  /** Every indicator. */
  @ApiProperty(indicators)
  details: Record<string, HealthIndicatorDto>;
}
