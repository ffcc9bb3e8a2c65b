#!/usr/bin/env node
// Breaking-change guard: compares the spec (openapi/openapi.json) with the spec of the last release
// (openapi/baseline.json) and fails on each change that can break an existing client, unless its
// id is listed in openapi/approved-changes.txt (as Immich does with oasdiff's approved changes).
//
// The rules follow oasdiff's: a client keeps sending what the old spec allowed and keeps reading
// what it promised. So on the request side, narrowing breaks (a new required property or
// parameter, a body that becomes required, a removed enum value, a tighter limit, a removed
// property: this API refuses unknown ones); on the response side, removing or widening breaks (a
// removed or optional property, a new enum value, a type that becomes nullable or wider).
// Removed operations, paths and success statuses, and changed operationIds (the method names of
// generated clients), break too. $refs and allOf are resolved.
//
// Each change has a stable id, `<rule> <METHOD> <path> <where> [<detail>]`, to paste into
// approved-changes.txt. At a release, copy openapi.json over baseline.json and empty that file.
//
// Usage: node scripts/openapi-breaking.mjs [--base FILE] [--revision FILE] [--approved FILE]

import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * @typedef {{ id: string, message: string }} BreakingChange
 * @typedef {Record<string, any>} Doc
 */

/**
 * The breaking changes from `base` to `revision` (two OpenAPI 3 documents), sorted by id.
 * @param {Doc} base
 * @param {Doc} revision
 * @returns {BreakingChange[]}
 */
export function findBreakingChanges(base, revision) {
  /** @type {Map<string, BreakingChange>} */
  const found = new Map();
  const report = (id, message) => {
    if (!found.has(id)) found.set(id, { id, message });
  };
  const revisionPaths = new Map(
    Object.keys(revision.paths ?? {}).map((path) => [templateKey(path), path]),
  );
  for (const [path, baseItem] of Object.entries(base.paths ?? {})) {
    const revisionPath = revisionPaths.get(templateKey(path));
    const revisionItem = revisionPath ? revision.paths[revisionPath] : undefined;
    if (!revisionItem) {
      report(`path-removed ${path}`, `${path} was removed`);
      continue;
    }
    for (const method of METHODS) {
      const before = baseItem[method];
      if (!before) continue;
      const op = `${method.toUpperCase()} ${path}`;
      const after = revisionItem[method];
      if (!after) {
        report(`operation-removed ${op}`, `${op} was removed`);
        continue;
      }
      const context = {
        base,
        revision,
        op,
        report,
        params: [baseItem.parameters, revisionItem.parameters],
      };
      compareOperation(context, before, after);
    }
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** `/images/{id}` and `/images/{imageId}` are the same route. */
function templateKey(path) {
  return path.replace(/\{[^}]*\}/g, '{}');
}

function compareOperation(ctx, before, after) {
  const { op, report } = ctx;
  if (before.operationId && before.operationId !== after.operationId) {
    report(
      `operation-id-changed ${op} ${before.operationId}->${after.operationId ?? '(none)'}`,
      `${op}: operationId ${before.operationId} became ${after.operationId ?? 'absent'} (generated clients name their methods after it)`,
    );
  }
  if (allowsAnonymous(ctx.base, before) && !allowsAnonymous(ctx.revision, after)) {
    report(`security-required ${op}`, `${op} now requires authentication`);
  }
  compareParameters(ctx, before, after);
  compareRequestBody(ctx, before.requestBody, after.requestBody);
  compareResponses(ctx, before.responses ?? {}, after.responses ?? {});
}

function allowsAnonymous(doc, operation) {
  const security = operation.security ?? doc.security;
  return !security || security.length === 0 || security.some((r) => Object.keys(r).length === 0);
}

function compareParameters(ctx, before, after) {
  const { op, report } = ctx;
  const collect = (doc, pathLevel, opLevel) => {
    const byKey = new Map();
    for (const p of [...(pathLevel ?? []), ...(opLevel ?? [])]) {
      const param = deref(doc, p);
      const name = param.in === 'header' ? String(param.name).toLowerCase() : param.name;
      byKey.set(`${param.in}.${name}`, param);
    }
    return byKey;
  };
  const was = collect(ctx.base, ctx.params[0], before.parameters);
  const now = collect(ctx.revision, ctx.params[1], after.parameters);
  for (const [key, param] of was) {
    const next = now.get(key);
    if (!next) {
      // A path parameter renamed along with its template is the same parameter.
      if (param.in === 'path') continue;
      report(`request-parameter-removed ${op} ${key}`, `${op}: parameter ${key} was removed`);
      continue;
    }
    if (!param.required && next.required) {
      report(
        `request-parameter-became-required ${op} ${key}`,
        `${op}: parameter ${key} became required`,
      );
    }
    compareSchemas(ctx, 'request', param.schema, next.schema, key);
  }
  for (const [key, param] of now) {
    if (!was.has(key) && param.required && param.in !== 'path') {
      report(
        `request-parameter-added-required ${op} ${key}`,
        `${op}: new required parameter ${key}`,
      );
    }
  }
}

function compareRequestBody(ctx, beforeRef, afterRef) {
  const { op, report } = ctx;
  const before = beforeRef && deref(ctx.base, beforeRef);
  const after = afterRef && deref(ctx.revision, afterRef);
  if (!before) {
    if (after?.required) {
      report(`request-body-added-required ${op}`, `${op}: a request body is now required`);
    }
    return;
  }
  if (!after) {
    report(`request-body-removed ${op}`, `${op}: the request body was removed`);
    return;
  }
  if (!before.required && after.required) {
    report(`request-body-became-required ${op}`, `${op}: the request body became required`);
  }
  for (const [media, content] of Object.entries(before.content ?? {})) {
    const next = after.content?.[media];
    if (!next) {
      report(
        `request-body-media-type-removed ${op} ${media}`,
        `${op}: the request body no longer accepts ${media}`,
      );
      continue;
    }
    compareSchemas(ctx, 'request', content.schema, next.schema, 'body');
  }
}

function compareResponses(ctx, before, after) {
  const { op, report } = ctx;
  for (const [status, beforeRef] of Object.entries(before)) {
    const success = /^2/.test(status);
    const afterRef = after[status];
    if (!afterRef) {
      if (success) {
        report(
          `response-status-removed ${op} ${status}`,
          `${op}: success response ${status} was removed`,
        );
      }
      continue;
    }
    const was = deref(ctx.base, beforeRef);
    const now = deref(ctx.revision, afterRef);
    if (success) {
      for (const [name, headerRef] of Object.entries(was.headers ?? {})) {
        const header = deref(ctx.base, headerRef);
        const key = Object.keys(now.headers ?? {}).find(
          (h) => h.toLowerCase() === name.toLowerCase(),
        );
        const next = key && deref(ctx.revision, now.headers[key]);
        if (!next) {
          report(
            `response-header-removed ${op} ${status} ${name}`,
            `${op}: response ${status} no longer has the ${name} header`,
          );
        } else if (header.required && !next.required) {
          report(
            `response-header-became-optional ${op} ${status} ${name}`,
            `${op}: the ${name} header of response ${status} became optional`,
          );
        }
      }
    }
    for (const [media, content] of Object.entries(was.content ?? {})) {
      const next = now.content?.[media];
      if (!next) {
        if (success) {
          report(
            `response-media-type-removed ${op} ${status} ${media}`,
            `${op}: response ${status} is no longer ${media}`,
          );
        }
        continue;
      }
      compareSchemas(ctx, 'response', content.schema, next.schema, `response.${status}`);
    }
  }
}

const NUMERIC_LIMITS = [
  // [keyword, 'max' (a lower value narrows) | 'min' (a higher value narrows)]
  ['maximum', 'max'],
  ['exclusiveMaximum', 'max'],
  ['maxLength', 'max'],
  ['maxItems', 'max'],
  ['maxProperties', 'max'],
  ['minimum', 'min'],
  ['exclusiveMinimum', 'min'],
  ['minLength', 'min'],
  ['minItems', 'min'],
  ['minProperties', 'min'],
];

/**
 * Compares two schemas at `where` (`body.tags[]`, `query.limit`, `response.200.items[].id`):
 * `direction` says who sends the value (request: the client; response: the server).
 */
function compareSchemas(ctx, direction, beforeRef, afterRef, where, seen = new Set()) {
  if (!beforeRef || !afterRef) return;
  // A schema that contains itself (a tree) is compared once along each path.
  const pair = `${beforeRef.$ref ?? ''}|${afterRef.$ref ?? ''}`;
  if (pair !== '|' && seen.has(pair)) return;
  const visited = pair === '|' ? seen : new Set(seen).add(pair);
  const before = flatten(ctx.base, beforeRef);
  const after = flatten(ctx.revision, afterRef);
  const { op, report } = ctx;
  const at = `${op} ${where}`;
  const request = direction === 'request';
  const rule = (name) => `${direction}-${kindOf(where)}-${name}`;

  const typeBefore = typeOf(before);
  const typeAfter = typeOf(after);
  if (typeBefore !== typeAfter) {
    const widening = request
      ? !typeAfter || (typeBefore === 'integer' && typeAfter === 'number')
      : !typeBefore || (typeBefore === 'number' && typeAfter === 'integer');
    if (!widening) {
      report(
        `${rule('type-changed')} ${at} ${typeBefore ?? 'any'}->${typeAfter ?? 'any'}`,
        `${at}: type ${typeBefore ?? 'any'} became ${typeAfter ?? 'any'}`,
      );
      return;
    }
  }
  if (before.format !== after.format) {
    const breaks = request ? after.format !== undefined : before.format !== undefined;
    if (breaks) {
      report(
        `${rule('format-changed')} ${at} ${before.format ?? 'none'}->${after.format ?? 'none'}`,
        `${at}: format ${before.format ?? 'none'} became ${after.format ?? 'none'}`,
      );
    }
  }
  const nullableBefore = isNullable(before);
  const nullableAfter = isNullable(after);
  if (request && nullableBefore && !nullableAfter) {
    report(`${rule('became-not-nullable')} ${at}`, `${at}: null is no longer accepted`);
  }
  if (!request && !nullableBefore && nullableAfter) {
    report(`${rule('became-nullable')} ${at}`, `${at}: may now be null`);
  }
  compareEnums(before, after, request, rule, at, report);
  if (request) compareLimits(before, after, rule, at, report);
  compareProperties(ctx, direction, before, after, where, visited);
  if (before.items || after.items) {
    compareSchemas(ctx, direction, before.items, after.items, `${where}[]`, visited);
  }
  const extraBefore = before.additionalProperties;
  const extraAfter = after.additionalProperties;
  if (typeof extraBefore === 'object' && typeof extraAfter === 'object') {
    compareSchemas(ctx, direction, extraBefore, extraAfter, `${where}{}`, visited);
  }
  compareVariants(ctx, direction, before, after, rule, at);
}

/** What `where` names: a whole body, a parameter, or a property inside one of them. */
function kindOf(where) {
  if (where === 'body' || /^response\.[^.]+$/.test(where)) return 'body';
  if (/^(query|path|header|cookie)\.[^.[{]+$/.test(where)) return 'parameter';
  return 'property';
}

function compareEnums(before, after, request, rule, at, report) {
  const was = before.enum;
  const now = after.enum;
  if (request) {
    if (!now) return;
    if (!was) {
      report(`${rule('enum-added')} ${at}`, `${at}: now restricted to ${list(now)}`);
      return;
    }
    for (const value of was.filter((v) => !now.some((n) => same(n, v)))) {
      report(
        `${rule('enum-value-removed')} ${at} ${String(value)}`,
        `${at}: ${JSON.stringify(value)} is no longer accepted`,
      );
    }
  } else {
    if (!was) return;
    if (!now) {
      report(`${rule('enum-removed')} ${at}`, `${at}: no longer restricted to ${list(was)}`);
      return;
    }
    for (const value of now.filter((v) => !was.some((n) => same(n, v)))) {
      report(
        `${rule('enum-value-added')} ${at} ${String(value)}`,
        `${at}: may now be ${JSON.stringify(value)}`,
      );
    }
  }
}

function compareLimits(before, after, rule, at, report) {
  for (const [keyword, kind] of NUMERIC_LIMITS) {
    const was = numericLimit(before, keyword);
    const now = numericLimit(after, keyword);
    if (now === undefined || was === now) continue;
    const narrower = was === undefined || (kind === 'max' ? now < was : now > was);
    if (narrower) {
      report(
        `${rule(`${keyword}-narrowed`)} ${at} ${was ?? 'none'}->${now}`,
        `${at}: ${keyword} ${was ?? 'none'} became ${now}`,
      );
    }
  }
  if (after.pattern !== undefined && after.pattern !== before.pattern) {
    report(
      `${rule('pattern-changed')} ${at} ${after.pattern}`,
      `${at}: pattern ${before.pattern ?? 'none'} became ${after.pattern}`,
    );
  }
  if (after.multipleOf !== undefined && after.multipleOf !== before.multipleOf) {
    report(
      `${rule('multipleOf-changed')} ${at} ${before.multipleOf ?? 'none'}->${after.multipleOf}`,
      `${at}: multipleOf ${before.multipleOf ?? 'none'} became ${after.multipleOf}`,
    );
  }
}

/** OAS 3.0 `exclusiveMaximum: true` qualifies `maximum`; OAS 3.1 gives a number. */
function numericLimit(schema, keyword) {
  const value = schema[keyword];
  return typeof value === 'number' ? value : undefined;
}

function compareProperties(ctx, direction, before, after, where, visited) {
  const { op, report } = ctx;
  const request = direction === 'request';
  const was = before.properties ?? {};
  const now = after.properties ?? {};
  const requiredBefore = new Set(before.required ?? []);
  const requiredAfter = new Set(after.required ?? []);
  const path = (name) => `${where}.${name}`;
  for (const [name, schema] of Object.entries(was)) {
    const at = `${op} ${path(name)}`;
    const next = now[name];
    if (!next) {
      // Read-only properties are not sent; write-only ones are not read.
      const flat = flatten(ctx.base, schema);
      if (request ? flat.readOnly : flat.writeOnly) continue;
      // This API refuses properties it does not know, so a client still sending it breaks.
      report(`${direction}-property-removed ${at}`, `${at} was removed`);
      continue;
    }
    if (request && !requiredBefore.has(name) && requiredAfter.has(name)) {
      report(`request-property-became-required ${at}`, `${at} became required`);
    }
    if (!request && requiredBefore.has(name) && !requiredAfter.has(name)) {
      report(`response-property-became-optional ${at}`, `${at} may now be absent`);
    }
    compareSchemas(ctx, direction, schema, next, path(name), visited);
  }
  if (!request) return;
  for (const name of Object.keys(now)) {
    if (!(name in was) && requiredAfter.has(name)) {
      const at = `${op} ${path(name)}`;
      report(`request-property-added-required ${at}`, `${at}: new required property`);
    }
  }
}

/** oneOf/anyOf: a request variant removed, or a response variant added, breaks. */
function compareVariants(ctx, direction, before, after, rule, at) {
  for (const keyword of ['oneOf', 'anyOf']) {
    const was = (before[keyword] ?? []).map((s) => signature(ctx.base, s));
    const now = (after[keyword] ?? []).map((s) => signature(ctx.revision, s));
    if (was.length === 0 && now.length === 0) continue;
    const [from, to, name] = direction === 'request' ? [was, now, 'removed'] : [now, was, 'added'];
    const changed = from.filter((s) => !to.includes(s));
    if (changed.length > 0 && (direction === 'request' ? was.length : now.length) > 0) {
      ctx.report(
        `${rule(`${keyword}-variant-${name}`)} ${at} ${changed.length}`,
        `${at}: ${changed.length} ${keyword} variant(s) ${name}`,
      );
    }
  }
}

function signature(doc, schema, depth = 0) {
  const value = depth > 8 ? schema : deref(doc, schema);
  return JSON.stringify(value, (key, v) =>
    key !== '' && v && typeof v === 'object' && '$ref' in v && depth < 8
      ? JSON.parse(signature(doc, v, depth + 1))
      : key === 'description' || key === 'example' || key === 'examples'
        ? undefined
        : v,
  );
}

function typeOf(schema) {
  const type = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : schema.type;
  if (Array.isArray(type)) return type.length === 1 ? type[0] : type.sort().join('|') || undefined;
  if (type) return type;
  if (schema.properties || schema.additionalProperties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

function isNullable(schema) {
  return (
    schema.nullable === true ||
    (Array.isArray(schema.type) && schema.type.includes('null')) ||
    (Array.isArray(schema.enum) && schema.enum.includes(null))
  );
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function list(values) {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** Follows local $refs (`#/components/...`). */
function deref(doc, value, depth = 0) {
  if (!value || typeof value !== 'object' || typeof value.$ref !== 'string') return value;
  if (depth > 32) throw new Error(`$ref loop at ${value.$ref}`);
  if (!value.$ref.startsWith('#/'))
    throw new Error(`only local $refs are supported: ${value.$ref}`);
  const target = value.$ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, key) => node?.[key], doc);
  if (target === undefined) throw new Error(`unresolved $ref ${value.$ref}`);
  return deref(doc, target, depth + 1);
}

/** The schema with its $ref followed and its allOf merged into one (properties, required...). */
function flatten(doc, value, depth = 0) {
  const schema = deref(doc, value) ?? {};
  if (!Array.isArray(schema.allOf) || depth > 16) return schema;
  const { allOf, ...own } = schema;
  const merged = { ...own };
  for (const part of allOf.map((p) => flatten(doc, p, depth + 1))) {
    for (const [key, v] of Object.entries(part)) {
      if (key === 'properties') merged.properties = { ...v, ...merged.properties };
      else if (key === 'required')
        merged.required = [...new Set([...(merged.required ?? []), ...v])];
      else if (!(key in merged)) merged[key] = v;
    }
  }
  return merged;
}

/**
 * Approved ids, one per line; blank lines and `#` comments (also after an id) are skipped.
 * @param {string} text
 * @returns {Set<string>}
 */
export function parseApproved(text) {
  return new Set(
    text
      .split(/\r?\n/)
      .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

/**
 * Splits changes into approved and breaking ones, and lists approvals that match nothing.
 * @param {BreakingChange[]} changes
 * @param {Set<string>} approved
 */
export function judge(changes, approved) {
  return {
    breaking: changes.filter((c) => !approved.has(c.id)),
    approved: changes.filter((c) => approved.has(c.id)),
    stale: [...approved].filter((id) => !changes.some((c) => c.id === id)),
  };
}

function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const option = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return resolve(at >= 0 ? process.argv[at + 1] : join(root, fallback));
  };
  const baseFile = option('--base', 'openapi/baseline.json');
  const revisionFile = option('--revision', 'openapi/openapi.json');
  const approvedFile = option('--approved', 'openapi/approved-changes.txt');
  const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
  let approvedText = '';
  try {
    approvedText = readFileSync(approvedFile, 'utf8');
  } catch {
    // no approvals
  }
  const changes = findBreakingChanges(read(baseFile), read(revisionFile));
  const verdict = judge(changes, parseApproved(approvedText));
  const show = (file) => relative(process.cwd(), file);
  const out = process.stdout;
  out.write(
    `${show(revisionFile)} against ${show(baseFile)}: ${verdict.breaking.length} breaking change(s), ${verdict.approved.length} approved.\n`,
  );
  for (const c of verdict.approved) out.write(`  approved  ${c.id}\n`);
  for (const id of verdict.stale) {
    out.write(`  note: approved but not found (remove it from ${show(approvedFile)}): ${id}\n`);
  }
  if (verdict.breaking.length > 0) {
    for (const c of verdict.breaking) out.write(`  BREAKING  ${c.id}\n            ${c.message}\n`);
    process.stderr.write(
      `Breaking changes to the API. If they are meant, paste their ids (the lines after BREAKING) into ${show(approvedFile)}, with a comment saying why.\n`,
    );
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
