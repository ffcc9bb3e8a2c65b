import { ApiProperty } from '@nestjs/swagger';
import { INTEGER } from './api-enums.js';

/** One field at fault. */
export class ProblemFieldDto {
  /** Where the fault is: a body property (`size`, `tags[0]`), a query parameter or a header. */
  field: string;
  /** What is wrong with it. */
  message: string;
}

/** RFC 9457 problem details, served as `application/problem+json`. */
export class ProblemDto {
  /** A URI naming the kind of problem, e.g. `urn:image-forge:problem:validation-failed`. */
  type: string;
  /** Short summary of the kind of problem. */
  title: string;
  /** The HTTP status code. */
  @ApiProperty({ ...INTEGER, minimum: 400, maximum: 599 })
  status: number;
  /** What went wrong this time, for a person. */
  detail: string;
  /** The request path the problem happened on. */
  instance: string;
  /** Machine-readable kind of problem (the last part of `type`). */
  code: string;
  /** The request id (also in the `X-Request-Id` response header), for finding the logs. */
  requestId: string;
  /** Fields at fault, for validation problems. */
  errors?: ProblemFieldDto[];
}
