/**
 * The property schemas the DTOs repeat, each written once. The swagger plugin adds the rest from
 * the property itself (required, description, and the type where these leave it out).
 */
import { ApiProperty } from '@nestjs/swagger';
import { INTEGER } from './api-enums.js';

/** A string property that may be null. */
export const ApiNullableString = (): PropertyDecorator =>
  ApiProperty({ type: String, nullable: true });

/** An ISO-8601 date-time (UTC) string. */
export const ApiDateTime = (): PropertyDecorator => ApiProperty({ format: 'date-time' });

/** An ISO-8601 date-time (UTC) string, or null. */
export const ApiNullableDateTime = (): PropertyDecorator =>
  ApiProperty({ type: String, format: 'date-time', nullable: true });

/** An integer of at least `minimum` (the swagger plugin writes a TypeScript `number` as `number`). */
export const ApiInteger = (minimum: number): PropertyDecorator =>
  ApiProperty({ ...INTEGER, minimum });

/** An integer, of at least `minimum` where given, or null. */
export const ApiNullableInteger = (minimum?: number): PropertyDecorator =>
  ApiProperty({ ...INTEGER, ...(minimum === undefined ? {} : { minimum }), nullable: true });
