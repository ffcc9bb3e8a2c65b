/**
 * Marks an operation that ignores credentials. `buildOpenApiDocument` turns it into
 * `security: []` and removes the mark.
 */
export const ANONYMOUS_OPERATION = 'x-image-forge-anonymous';
