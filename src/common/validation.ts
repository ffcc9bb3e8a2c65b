import {
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError as ClassValidatorError,
} from '@nestjs/common';
import { ValidationError, type FieldError } from './errors.js';

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
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
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

export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
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
  });
}
