/**
 * A tiny runner for the client programs: each step passes or says why not, a step whose input is
 * missing is skipped, and the report is printed as one JSON line for the test to compare.
 */
export class Steps {
  private readonly report: Record<string, string> = {};

  async run<T>(name: string, step: () => Promise<T>): Promise<T | undefined> {
    try {
      const value = await step();
      this.report[name] = 'ok';
      return value;
    } catch (error) {
      this.report[name] = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }

  /** Runs the step with `input`, or records it as skipped when an earlier step did not give it. */
  async with<I, T>(
    name: string,
    input: I | undefined,
    step: (input: I) => Promise<T>,
  ): Promise<T | undefined> {
    if (input === undefined) {
      this.report[name] = 'skipped (an earlier step failed)';
      return undefined;
    }
    return this.run(name, () => step(input));
  }

  print(): void {
    process.stdout.write(`${JSON.stringify(this.report)}\n`);
  }
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The data of a generated client's result, when the status is the expected one. */
export function expectStatus<T>(
  result: { data?: T; error?: unknown; response: Response },
  status: number,
): T {
  if (result.response.status !== status) {
    const body = JSON.stringify(result.error ?? result.data ?? null).slice(0, 400);
    throw new Error(`expected HTTP ${status}, got ${result.response.status}: ${body}`);
  }
  return result.data as T;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const startsWith = (bytes: Uint8Array, prefix: number[], at = 0) =>
  prefix.every((byte, i) => bytes[at + i] === byte);

export const isPng = (bytes: Uint8Array) =>
  startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** RIFF....WEBP */
export const isWebp = (bytes: Uint8Array) =>
  startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8);

/** What the test tells the program: where the app is, and how many public images it has. */
export const environment = {
  baseUrl: process.env.BASE_URL ?? 'http://127.0.0.1:3000',
  publicImages: Number(process.env.PUBLIC_IMAGES ?? '0'),
};
