import { JOB_ERROR_CODES, JOB_STATUSES, ROLES, VISIBILITIES } from '../domain/records.js';
import { LOG_LEVELS } from '../config/env.schema.js';
import { PROMPT_STRATEGY_NAMES } from '../prompts/prompt-strategy.js';

/**
 * The API's enums, each a named schema under `components.schemas`, so generated clients get one
 * type per enum (not one inline copy per property). Use as `@ApiProperty(VISIBILITY)`.
 */
export const VISIBILITY = { enum: [...VISIBILITIES], enumName: 'Visibility' };
export const JOB_STATUS = { enum: [...JOB_STATUSES], enumName: 'JobStatus' };
export const JOB_ERROR_CODE = { enum: [...JOB_ERROR_CODES], enumName: 'JobErrorCode' };
export const ROLE = { enum: [...ROLES], enumName: 'Role' };
export const PROMPT_STRATEGY = { enum: [...PROMPT_STRATEGY_NAMES], enumName: 'PromptStrategy' };
export const LOG_LEVEL = {
  enum: [...LOG_LEVELS],
  enumName: 'LogLevel',
  // The enum's own description (the first property that uses it would lend it its own).
  enumSchema: {
    description: 'From the fewest lines (`fatal`) to the most (`trace`); `silent` logs nothing.',
  },
};

/** An integer property (the swagger plugin writes every TypeScript `number` as `number`). */
export const INTEGER = { type: 'integer' } as const;
