/**
 * The one error catalogue of ditherdb. Every error a caller can see carries a stable `code` from this table;
 * the HTTP status each code maps to lives here too, so the server never decides statuses on its own.
 * Tests assert codes, never wording.
 */
export const ERROR_CATALOGUE = {
  INVALID_ARGUMENT: { status: 400, message: 'Invalid argument' },
  INVALID_DIMENSION: { status: 400, message: 'Dimension must be a positive integer' },
  INVALID_BITS: { status: 400, message: 'Bits per coordinate must be an integer from 1 to 8' },
  DIMENSION_MISMATCH: { status: 400, message: 'Vector length does not match the dimension' },
  NON_FINITE_VALUE: { status: 400, message: 'Vector holds NaN or an infinite value' },
  INVALID_CODE: { status: 400, message: 'Code does not belong to this quantizer' },
  INVALID_ID: { status: 400, message: 'Point id must be an unsigned integer below 2^53 or a UUID' },
  INVALID_FILTER: { status: 400, message: 'Invalid filter' },
  INVALID_PAYLOAD: { status: 400, message: 'Invalid payload' },
  INVALID_NAME: { status: 400, message: 'Invalid name' },
  PAYLOAD_KEY_INVALID: { status: 400, message: 'Payload key missing or not numeric' },
  BATCH_TOO_LARGE: { status: 400, message: 'Batch exceeds the configured limit' },
  INVALID_GRAPH: { status: 400, message: 'Invalid graph' },
  INVALID_PRIOR: { status: 400, message: 'Invalid spectral prior' },
  VALIDATION_FAILED: { status: 422, message: 'Request violates a constraint' },
  UNAUTHORIZED: { status: 401, message: 'Missing or wrong API key' },
  COLLECTION_NOT_FOUND: { status: 404, message: 'Collection not found' },
  POINT_NOT_FOUND: { status: 404, message: 'Point not found' },
  MODEL_NOT_FOUND: { status: 404, message: 'Model not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found' },
  COLLECTION_EXISTS: { status: 409, message: 'Collection already exists' },
  MODEL_EXISTS: { status: 409, message: 'Model already exists' },
  MODEL_NOT_READY: { status: 409, message: 'Model is not ready' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  DATABASE_CLOSED: { status: 503, message: 'Database is closed' },
  DATABASE_LOCKED: { status: 503, message: 'Database is locked by another process' },
  CORRUPT_DATA: { status: 500, message: 'Stored data is corrupt' },
  UNSUPPORTED_FORMAT_VERSION: { status: 500, message: 'Stored format version is not supported' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class DitherError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(
      message ?? ERROR_CATALOGUE[code].message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'DitherError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = options?.details;
  }
}

export function isDitherError(err: unknown): err is DitherError {
  return err instanceof DitherError;
}

/** Throws `code` unless `condition` holds; keeps validation lines short at every public edge. */
export function assertArg(condition: unknown, code: ErrorCode, message: string): asserts condition {
  if (!condition) throw new DitherError(code, message);
}
