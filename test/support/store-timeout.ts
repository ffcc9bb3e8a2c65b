/**
 * The read timeout (`STORE_READ_TIMEOUT_MS`, the stores' `readTimeoutMs`) that tests give the
 * stores they run against. Generous: the Cosmos emulator and s3rver answer from a Jest worker's own
 * event loop, and Azurite shares the two cores with the workers. The outage tests
 * (cloud-unavailable) set a short one of their own.
 */
export const TEST_STORE_READ_TIMEOUT_MS = 30_000;
