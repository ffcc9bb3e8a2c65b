/**
 * @image-forge/sdk: the image-forge REST API, typed from openapi/openapi.json.
 *
 * `createClient()` is an openapi-fetch client over the generated `paths`; the rest is the little
 * that a generated client does not give: the bearer token, problem+json errors as exceptions
 * (`unwrap`), and a generation's server-sent events as an async iterator (`followGeneration`).
 */
export type { paths, components, operations } from './generated/schema.js';
export * from './types.js';
export { createClient, type ClientOptions, type ImageForgeClient } from './client.js';
export { ProblemError, unwrap } from './problem.js';
export { followGeneration, type FollowOptions } from './events.js';
