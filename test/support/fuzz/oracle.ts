import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Operation, SpecDocument } from './spec.js';

// ajv and ajv-formats are CommonJS; under ESM their classes sit on `default`.
const Ajv = AjvModule.default ?? AjvModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

/** A response as the fuzz saw it. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: Buffer;
}

export interface Finding {
  readonly rule: string;
  readonly detail: string;
}

/** Keys no response may carry: what storage holds and clients must never see. */
const SECRET_KEYS = new Set([
  'passwordHash',
  'password_hash',
  'secretHash',
  'secret_hash',
  'tokenHash',
  'token_hash',
  'keyHash',
  'key_hash',
  'blobKey',
  'blob_key',
  'thumbnailKey',
  'thumbnail_key',
  'jwtSecret',
]);

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * The contract, as a check of one answer: no 5xx; a status the operation declares; errors as
 * problem+json; a body of a declared media type, valid against its schema; the headers the spec
 * promises (`X-Request-Id` always, `Retry-After` where declared); and nothing that must stay on
 * the server (hashes, keys, secrets, the data directory, stack traces).
 */
export class ContractOracle {
  private readonly ajv = new Ajv({ strict: false, allErrors: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    doc: SpecDocument,
    private readonly secrets: { readonly dataDir: string; readonly values: readonly string[] },
  ) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'spec');
  }

  check(op: Operation, answer: Answer): Finding[] {
    const findings: Finding[] = [];
    const { status } = answer;
    const contentType = String(answer.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    const text = answer.body.toString('utf8');
    if (status >= 500 && !isReadinessAnswer(op, status)) {
      findings.push({ rule: 'server-error', detail: text.slice(0, 300) });
    }
    const declared = op.responses[String(status)] ?? op.responses.default;
    if (!declared) {
      findings.push({ rule: 'undeclared-status', detail: `${status} ${text.slice(0, 200)}` });
    }
    if (status >= 400 && contentType !== 'application/problem+json') {
      findings.push({ rule: 'not-problem-json', detail: `${contentType} ${text.slice(0, 200)}` });
    }
    if (answer.headers['x-request-id'] === undefined) {
      findings.push({ rule: 'missing-header', detail: 'X-Request-Id' });
    }
    if (declared?.headers?.['Retry-After'] && answer.headers['retry-after'] === undefined) {
      findings.push({ rule: 'missing-header', detail: 'Retry-After' });
    }
    findings.push(...this.leaks(text));
    if (!declared || answer.body.length === 0 || [204, 304].includes(status)) return findings;
    const media = declared.content?.[contentType];
    if (!media) {
      findings.push({
        rule: 'undeclared-content-type',
        detail: `${contentType || '(none)'} not in ${Object.keys(declared.content ?? {}).join(', ') || '(no body)'}`,
      });
      return findings;
    }
    if (!media.schema || !contentType.includes('json')) return findings;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      findings.push({ rule: 'invalid-json', detail: text.slice(0, 200) });
      return findings;
    }
    const validate = this.validator(op, String(status), contentType);
    if (!validate(body)) {
      findings.push({
        rule: 'schema',
        detail: `${this.ajv.errorsText(validate.errors)} in ${text.slice(0, 200)}`,
      });
    }
    findings.push(...this.secretKeys(body));
    return findings;
  }

  private validator(op: Operation, status: string, media: string): ValidateFunction {
    const key = `${op.method} ${op.path} ${status} ${media}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const schemaPath = pointer(
        'paths',
        op.path,
        op.method,
        'responses',
        status,
        'content',
        media,
        'schema',
      );
      const ref = `spec#/${schemaPath}`;
      validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Text that must never reach a client, whatever the request put in. */
  leaks(text: string): Finding[] {
    const findings: Finding[] = [];
    if (this.secrets.dataDir && text.includes(this.secrets.dataDir)) {
      findings.push({ rule: 'leak', detail: 'the data directory' });
    }
    for (const secret of this.secrets.values) {
      if (secret && text.includes(secret)) findings.push({ rule: 'leak', detail: 'a secret' });
    }
    if (/scrypt\$\d+\$/.test(text)) findings.push({ rule: 'leak', detail: 'a password hash' });
    if (/node_modules|\n\s+at [\w.<>]+ \(/.test(text)) {
      findings.push({ rule: 'leak', detail: 'a stack trace' });
    }
    return findings;
  }

  /** Keys of the JSON body that name stored secrets or storage internals. */
  secretKeys(body: unknown, path = ''): Finding[] {
    if (Array.isArray(body))
      return body.flatMap((item, i) => this.secretKeys(item, `${path}[${i}]`));
    if (!body || typeof body !== 'object') return [];
    return Object.entries(body).flatMap(([key, value]) => [
      ...(SECRET_KEYS.has(key) ? [{ rule: 'leak', detail: `key ${path}.${key}` }] : []),
      ...this.secretKeys(value, `${path}.${key}`),
    ]);
  }
}

/**
 * Readiness's 503 is one of its two answers, not a server error: it says a check did not pass
 * within its 3 s. The fuzz loads the app it probes, in its own process (eight requests at a time,
 * its schema checks on the same event loop), and each of the probe's file operations waits for a
 * turn of that loop: readiness averaged 0.3-0.5 s a request in the suite's runs (none past 3 s),
 * 0.7-1.8 s before it did fewer of them, when a slower machine saw up to 18 503s in 200. The rest
 * of the contract still holds for it: declared, problem+json.
 */
function isReadinessAnswer(op: Operation, status: number): boolean {
  return op.operationId === 'getReadiness' && status === 503;
}
