import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationError } from './errors.js';
import { isId } from './ids.js';

/** Path ids must be ids this API made (UUIDv7); anything else is a 400 naming the parameter. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isId(value))
      throw ValidationError.field('id', 'must be an id this API returned (a UUIDv7)');
    return value;
  }
}
