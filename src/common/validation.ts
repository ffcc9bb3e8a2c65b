import {
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationPipeOptions,
  type ValidationError as ClassValidatorError,
} from '@nestjs/common';
import { ValidationError, type FieldError } from './errors.js';
import { checkQuery } from './query-checks.js';

/** Flattens class-validator's tree into `{ field: 'a.b[0]', message }` entries. */
export function toFieldErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/**
 * Where a JSON body holds `null`: `a.b[0]` paths. No request field of this API takes `null` (the
 * spec declares none nullable), but `@IsOptional()` lets `null` through as if the field were left
 * out, and a PATCH then writes it (issue 12's fuzz: `{"role": null}`, `{"name": null}` were 500s).
 */
export function nullFields(value: unknown, parent = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) =>
      item === null ? [`${parent}[${i}]`] : nullFields(item, `${parent}[${i}]`),
    );
  }
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const field = parent ? `${parent}.${key}` : key;
    return item === null ? [field] : nullFields(item, field);
  });
}

/** The one validation pipe: unknown fields are refused, types converted, every fault named. */
class ApiValidationPipe extends ValidationPipe {
  constructor(
    options: ValidationPipeOptions,
    private readonly fastQueries: boolean,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (this.fastQueries && metadata.type === 'query') {
      const checked = checkQuery(metadata.metatype, value);
      if (checked) return checked;
    }
    if (metadata.type === 'body') {
      const nulls = nullFields(value);
      if (nulls.length > 0) {
        const message = 'must not be null; leave it out instead';
        throw new ValidationError(
          nulls.map((field) => `${field}: ${message}`).join('; '),
          nulls.map((field) => ({ field, message })),
        );
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * The API's validation pipe. `fastQueries`: queries with a registered check (`registerQueryCheck`)
 * that pass it skip the general path; off only to compare the two.
 */
export function createValidationPipe({ fastQueries = true } = {}): ValidationPipe {
  return new ApiValidationPipe(
    {
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => {
        const fieldErrors = toFieldErrors(errors);
        return new ValidationError(
          fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'Invalid request',
          fieldErrors,
        );
      },
    },
    fastQueries,
  );
}
