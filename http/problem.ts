import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/**
 * RFC 9457 problem+json for every error, so a caller always learns which field was wrong and why. Validation errors
 * list each field as `<part>.<path>` (for example `body.quantity`).
 */
export function problemHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      field: [part, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return reply
      .code(400)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        instance: request.url,
        errors,
      });
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title: error.code ?? STATUS_CODES[status] ?? 'Error', status, detail: error.message, instance: request.url });
}

/** An error the handler above answers with this status and detail (title from the status, as HTTP names it). */
export function httpError(statusCode: number, detail: string): Error & { statusCode: number; code: string } {
  return Object.assign(new Error(detail), { statusCode, code: STATUS_CODES[statusCode] ?? 'Error' });
}
