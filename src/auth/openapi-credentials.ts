import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import type { ApiScope } from '../domain/records.js';
import { REQUIRED_SCOPE_EXTENSION, SESSION_ONLY_EXTENSION } from './scopes.js';

/** The second security scheme: API keys are bearer credentials too, told apart by their prefix. */
export const API_KEY_SCHEME = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'ifk_<id>_<secret>',
  description:
    'An API key of `POST /api/v1/auth/api-keys`, sent as `Authorization: Bearer ifk_…` (keys start ' +
    'with `ifk_`). It may call the operations whose `x-required-scope` is one of its scopes.',
} as const;

/**
 * Says, on each operation of `document`, which credentials it takes, as the global guard decides:
 * where an access token (`bearer`) is accepted, an API key (`apiKey`) is too, unless the operation
 * is session-only; and the scope a key needs, as `x-required-scope` and in a sentence of the
 * description.
 */
export function describeCredentials(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      // Extensions are keys the type does not name.
      const sessionOnly = Reflect.get(operation, SESSION_ONLY_EXTENSION) === true;
      Reflect.deleteProperty(operation, SESSION_ONLY_EXTENSION);
      const security = operation.security ?? [];
      const bearer = security.findIndex((need) => 'bearer' in need);
      if (bearer < 0) continue;
      const scope = Reflect.get(operation, REQUIRED_SCOPE_EXTENSION) as ApiScope | undefined;
      if (sessionOnly) {
        append(operation, 'Needs a signed-in session: API keys get 403 here.');
      } else if (scope) {
        operation.security = [
          ...security.slice(0, bearer + 1),
          { apiKey: [] },
          ...security.slice(bearer + 1),
        ];
        append(
          operation,
          scope === 'admin'
            ? 'Admins only; an API key needs the `admin` scope.'
            : `An API key needs the \`${scope}\` scope.`,
        );
      }
    }
  }
}

function append(operation: OperationObject, sentence: string): void {
  operation.description = operation.description
    ? `${operation.description}\n\n${sentence}`
    : sentence;
}
