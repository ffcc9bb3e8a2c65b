import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-docs.js';
import { API_SCOPES, type ApiScope, type Role } from '../domain/records.js';

export const SCOPE_RULE = 'image-forge:scope';
/** The operation's scope in the spec (`describeCredentials` also writes it into the description). */
export const REQUIRED_SCOPE_EXTENSION = 'x-required-scope';
/** Marks a session-only operation; `describeCredentials` turns it into `security: [{bearer: []}]`. */
export const SESSION_ONLY_EXTENSION = 'x-image-forge-session-only';

/** What a route asks of the caller's credential beyond being valid. */
export type ScopeRule = { readonly scope: ApiScope } | 'session-only';

/** What a session of each role may do: users everything but `admin`, admins everything. */
export function scopesOfRole(role: Role): readonly ApiScope[] {
  return role === 'admin' ? API_SCOPES : API_SCOPES.filter((scope) => scope !== 'admin');
}

/**
 * The scope an API key needs for this route. A session has every scope its role allows, so for a
 * signed-in user only `admin` ever matters. A route that declares nothing refuses API keys.
 */
export const RequireScope = (scope: ApiScope): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata<string, ScopeRule>(SCOPE_RULE, { scope }),
    ApiExtension(REQUIRED_SCOPE_EXTENSION, scope),
    ApiProblems(403),
  );

/**
 * A route that manages credentials (sign out, password, API keys): it needs a signed-in session,
 * and refuses API keys (403), so that a leaked key cannot mint keys or lock its owner out.
 */
export const SessionOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata<string, ScopeRule>(SCOPE_RULE, 'session-only'),
    ApiExtension(SESSION_ONLY_EXTENSION, true),
    ApiProblems(403),
  );
