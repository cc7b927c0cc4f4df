// Every error the API answers is `{ error: { code, message, field? } }`: the message names the
// bad field and never echoes what was sent (a query may hold a phone number).
import type { FastifyError, FastifyReply } from 'fastify';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply
    .code(err.status)
    .type('application/json; charset=utf-8')
    .send({ error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } });
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: { description?: string };
  /** set when the error is about a key (propertyNames) rather than a value */
  propertyName?: string;
}

const PART: Record<string, string> = { querystring: 'query parameter', body: 'body field', params: 'path segment', headers: 'header' };

/** The first schema violation in words, with the field it is about. */
export function validationError(err: FastifyError): ApiError {
  const e = (err.validation as unknown as AjvError[] | undefined)?.[0];
  const part = PART[err.validationContext ?? ''] ?? 'field';
  if (!e) return new ApiError(400, 'invalid-request', 'the request is not valid');
  const path = e.instancePath.split('/').filter(Boolean).join('.');
  const inner = (name: string) => (path ? `${path}.${name}` : name);
  if (e.propertyName !== undefined) {
    return new ApiError(400, 'invalid-field', `${part} "${path}" has a key that is not a name of letters and digits (at most 32)`, path);
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = inner(String(e.params['additionalProperty']));
      const why = field === 'by' || field === 'args.by' ? ': who sent a command is set from the token' : '';
      return new ApiError(400, 'unknown-field', `unknown ${part} "${field}"${why}`, field);
    }
    case 'required': {
      const field = inner(String(e.params['missingProperty']));
      return new ApiError(400, 'missing-field', `${part} "${field}" is required`, field);
    }
    case 'enum':
      return new ApiError(400, 'invalid-field', `${part} "${path}" must be one of ${(e.params['allowedValues'] as unknown[]).join(', ')}`, path);
    case 'type':
      if (err.validationContext === 'querystring' && e.params['type'] === 'string') {
        return new ApiError(400, 'invalid-field', `${part} "${path}" must be given once`, path);
      }
      break;
  }
  const field = path || (err.validationContext === 'body' ? 'body' : part);
  const expected = e.parentSchema?.description;
  const message = expected ? `must be ${expected}` : (e.message ?? 'is not valid');
  return new ApiError(400, 'invalid-field', `${part} "${field}" ${message}`, field);
}

/** What the request parser rejected before any route saw the request. */
export function parseError(err: FastifyError): ApiError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'body-too-large', 'the body is larger than the API accepts (16 KiB)');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported-media-type', 'the body must be JSON (content-type: application/json)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'invalid-json', 'the content-type says JSON but the body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'invalid-json', 'the body is not valid JSON');
  }
  // JSON.parse's own SyntaxError (its message quotes the body: not passed on), and proto poisoning.
  if (err.statusCode === 400 && (err instanceof SyntaxError || /prototype|constructor/i.test(err.message))) {
    return new ApiError(400, 'invalid-json', 'the body is not valid JSON (or holds a __proto__ or constructor key)');
  }
  return undefined;
}
