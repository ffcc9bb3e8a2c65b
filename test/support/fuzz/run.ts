import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Answer, ContractOracle, Finding } from './oracle.js';
import type { FuzzRequest } from './requests.js';
import type { Operation } from './spec.js';

/** A finding with the request that produced it, enough to replay it. */
export interface Violation extends Finding {
  readonly operationId: string;
  readonly index: number;
  readonly kind: string;
  readonly status: number;
  readonly request: string;
}

export interface FuzzReport {
  readonly requests: number;
  readonly ms: number;
  /** Answers per operation and status. */
  readonly statuses: Map<string, Map<number, number>>;
  /** Time spent answering each operation's requests, in ms (requests overlap). */
  readonly busyMs: Map<string, number>;
  /** The slowest answer of each operation (the cost one request can impose). */
  readonly slowest: Map<string, { ms: number; kind: string; request: string }>;
  readonly violations: Violation[];
}

const TIMEOUT_MS = 30_000;

/**
 * Sends each request into the app through Fastify's injection (the whole request lifecycle, no
 * socket: the HTTP parser's own limits are the hardening suite's), `concurrency` at a time, and
 * checks every answer with the oracle.
 */
export async function runFuzz(
  app: NestFastifyApplication,
  oracle: ContractOracle,
  work: { op: Operation; request: (index: number) => FuzzRequest; count: number }[],
  concurrency = 8,
): Promise<FuzzReport> {
  // Operations that hash passwords run one at a time: the fuzz is no login flood (the hardening
  // and throttle suites are), and on a small machine a flood starves everything else.
  const hashes = (op: Operation) => op.tags.includes('auth') && op.body !== undefined;
  const fastify = app.getHttpAdapter().getInstance();
  const statuses = new Map<string, Map<number, number>>();
  const busyMs = new Map<string, number>();
  const slowest: FuzzReport['slowest'] = new Map();
  const violations: Violation[] = [];
  // Operations interleaved, so that each lane's requests mix all its operations.
  const lane = (hashing: boolean) =>
    Array.from({ length: Math.max(0, ...work.map((w) => w.count)) }, (_, index) =>
      work
        .filter(({ op, count }) => index < count && hashes(op) === hashing)
        .map(({ op, request }) => ({ op, make: () => request(index) })),
    ).flat();
  const lanes = [
    { queue: lane(true), workers: 1, next: 0 },
    { queue: lane(false), workers: Math.max(1, concurrency - 1), next: 0 },
  ];
  const started = Date.now();

  async function one(op: Operation, request: FuzzRequest): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let answer: Answer;
    const sent = Date.now();
    try {
      const response = await Promise.race([
        fastify.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          payload: request.payload,
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        }),
      ]);
      answer = {
        status: response.statusCode,
        headers: response.headers,
        body: response.rawPayload,
      };
    } catch (error) {
      answer = { status: 599, headers: {}, body: Buffer.from(String(error)) };
    } finally {
      clearTimeout(timer);
    }
    const ms = Date.now() - sent;
    busyMs.set(op.operationId, (busyMs.get(op.operationId) ?? 0) + ms);
    if (ms > (slowest.get(op.operationId)?.ms ?? -1)) {
      slowest.set(op.operationId, { ms, kind: request.kind, request: describe(request) });
    }
    const byStatus = statuses.get(op.operationId) ?? new Map<number, number>();
    byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    statuses.set(op.operationId, byStatus);
    for (const finding of oracle.check(op, answer)) {
      violations.push({
        ...finding,
        operationId: op.operationId,
        index: request.index,
        kind: request.kind,
        status: answer.status,
        request: describe(request),
      });
    }
  }

  await Promise.all(
    lanes.flatMap((queue) =>
      Array.from({ length: queue.workers }, async () => {
        while (queue.next < queue.queue.length) {
          const item = queue.queue[queue.next++];
          await one(item.op, item.make());
        }
      }),
    ),
  );
  return {
    requests: lanes.reduce((total, { queue }) => total + queue.length, 0),
    ms: Date.now() - started,
    statuses,
    busyMs,
    slowest,
    violations,
  };
}

const sum = (counts: Map<number, number>): number =>
  [...counts.values()].reduce((total, count) => total + count, 0);

function describe(request: FuzzRequest): string {
  const body =
    request.payload === undefined
      ? ''
      : ` body ${(Buffer.isBuffer(request.payload) ? request.payload.toString('hex') : request.payload).slice(0, 160)}`;
  const headers = Object.entries(request.headers)
    .filter(([name]) => name !== 'Authorization')
    .map(([name, value]) => `${name}: ${value.slice(0, 60)}`)
    .join('; ');
  return `${request.method} ${request.url.slice(0, 200)}${headers ? ` [${headers}]` : ''}${body}`;
}

/** The report as lines: per operation its answers by status; then each kind of violation once. */
export function formatReport(report: FuzzReport, seed: number, perOperation: number): string {
  const lines = [
    `contract fuzz: seed ${seed}, ${perOperation} requests per operation, ${report.requests} requests in ${(report.ms / 1000).toFixed(1)} s (${Math.round((report.requests * 1000) / report.ms)}/s)`,
  ];
  for (const [operationId, byStatus] of [...report.statuses].sort()) {
    const counts = [...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    const ms = Math.round((report.busyMs.get(operationId) ?? 0) / sum(byStatus));
    lines.push(`  ${operationId.padEnd(28)} ${String(ms).padStart(5)} ms/req  ${counts}`);
  }
  lines.push('slowest answers:');
  const slow = [...report.slowest].sort(([, a], [, b]) => b.ms - a.ms).slice(0, 8);
  for (const [operationId, { ms, kind, request }] of slow) {
    lines.push(`  ${ms} ms ${operationId} ${kind}: ${request.slice(0, 160)}`);
  }
  const seen = new Set<string>();
  const distinct = report.violations.filter((v) => {
    const key = `${v.rule} ${v.operationId} ${v.status} ${v.kind.split(' ')[0]}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  lines.push(`violations: ${report.violations.length} (${distinct.length} distinct)`);
  for (const v of distinct.slice(0, 40)) {
    lines.push(
      `  [${v.rule}] ${v.operationId} #${v.index} → ${v.status}: ${v.detail.slice(0, 300)}`,
      `      ${v.kind}: ${v.request}`,
    );
  }
  if (distinct.length > 0) {
    lines.push(`replay one: FUZZ_SEED=${seed} FUZZ_ONLY=<operationId>:<index>`);
  }
  return lines.join('\n');
}
