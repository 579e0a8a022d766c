/**
 * Qdrant's response envelope: `{ result, status: "ok", time }` on success and `{ status: { error }, time }` on
 * failure, `time` in seconds since the request arrived. ditherdb adds the stable error `code` beside `error`
 * (clients that only read `error` are unaffected), so callers can branch on codes rather than wording.
 */
import type { FastifyReply } from 'fastify';
import { DitherError, ERROR_CATALOGUE, type ErrorCode, isDitherError } from '../src/errors.js';

export interface OkEnvelope<T> {
  result: T;
  status: 'ok';
  time: number;
}

export interface ErrorEnvelope {
  status: { error: string; code: ErrorCode };
  time: number;
}

/** Seconds since the request arrived (Fastify measures it with a monotonic clock). */
export function elapsedSeconds(reply: FastifyReply): number {
  return reply.elapsedTime / 1000;
}

export function ok<T>(reply: FastifyReply, result: T): OkEnvelope<T> {
  return { result, status: 'ok', time: elapsedSeconds(reply) };
}

/** Update operations complete before the reply (every write is one atomic LevelDB batch). */
export interface UpdateResult {
  operation_id: number;
  status: 'completed';
}

/**
 * Ajv keywords that mean "well-formed but out of range": Qdrant answers those 422 (its `validator` pass),
 * while structural mistakes — wrong type, unknown or missing key — are 400 (serde could not read the body).
 */
const CONSTRAINT_KEYWORDS = new Set([
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
]);

interface ValidationIssue {
  keyword: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
  validation?: ValidationIssue[];
  validationContext?: string;
}

/** Maps Fastify's own errors (body parser, validation, limits) onto the one catalogue. */
export function toDitherError(err: unknown): DitherError {
  if (isDitherError(err)) return err;
  const e = err as FastifyLikeError;
  if (e && Array.isArray(e.validation)) {
    const issues = e.validation;
    // A nullable field (`T | null`) fails as a union: the T branch's own error, the null branch's `type`
    // error and an `anyOf` summary. Only the T branch's error says what was wrong.
    const meaningful = issues.filter(
      (i) => i.keyword !== 'anyOf' && !(i.keyword === 'type' && i.params?.type === 'null'),
    );
    const constraint = meaningful.length > 0 && meaningful.every((i) => CONSTRAINT_KEYWORDS.has(i.keyword));
    const where = e.validationContext ?? 'body';
    const first = meaningful[0] ?? issues[0];
    const detail = first
      ? `${where}${first.instancePath ?? ''}: ${describeIssue(first)}`
      : `${where}: ${e.message}`;
    return new DitherError(
      constraint ? 'VALIDATION_FAILED' : 'INVALID_ARGUMENT',
      `${constraint ? 'Validation error' : 'Format error'} in ${where}: ${detail}`,
    );
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DitherError('PAYLOAD_TOO_LARGE', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DitherError('UNSUPPORTED_MEDIA_TYPE', e.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DitherError('INVALID_ARGUMENT', e.message);
    default:
      break;
  }
  // JSON.parse failures reach here as SyntaxError with statusCode 400 set by Fastify's parser.
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 404) return new DitherError('ROUTE_NOT_FOUND', e.message);
    if (e.statusCode === 413) return new DitherError('PAYLOAD_TOO_LARGE', e.message);
    if (e.statusCode === 415) return new DitherError('UNSUPPORTED_MEDIA_TYPE', e.message);
    return new DitherError('INVALID_ARGUMENT', `Format error in body: ${e.message}`);
  }
  return new DitherError('INTERNAL', ERROR_CATALOGUE.INTERNAL.message, { cause: err });
}

function describeIssue(issue: ValidationIssue): string {
  if (issue.keyword === 'additionalProperties') {
    const key = issue.params?.additionalProperty;
    return `unknown key ${JSON.stringify(key)}`;
  }
  return issue.message ?? issue.keyword;
}

export function errorEnvelope(err: DitherError, reply: FastifyReply): ErrorEnvelope {
  return { status: { error: err.message, code: err.code }, time: elapsedSeconds(reply) };
}
