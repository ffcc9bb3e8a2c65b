import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { IsOptional, IsString } from 'class-validator';

import { ValidationError } from './errors.js';
import { createValidationPipe, nullFields } from './validation.js';

class RenameDto {
  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsString({ each: true })
  tags?: string[];
}

describe('the validation pipe', () => {
  const pipe = createValidationPipe();
  const body = (value: unknown) => pipe.transform(value, { type: 'body', metatype: RenameDto });

  it('refuses null in a body, naming each field, though @IsOptional would let it through', async () => {
    const error = await body({ name: null, tags: ['a', null] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((e) => e.field)).toEqual(['name', 'tags[1]']);
  });

  it('takes a field left out, and a present one', async () => {
    await expect(body({})).resolves.toEqual({});
    await expect(body({ name: 'Morning light' })).resolves.toEqual({ name: 'Morning light' });
  });

  it('finds nulls however deep', () => {
    expect(nullFields({ a: { b: [1, { c: null }] }, d: null, e: 0, f: '' })).toEqual([
      'a.b[1].c',
      'd',
    ]);
  });
});
