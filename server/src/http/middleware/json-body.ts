import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../kernel/errors.js';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Refuses a request body that is not JSON. Without this, the validators would
 * read a form or text body as `{}` and report "required" for every field,
 * which hides the real mistake.
 */
export function requireJsonBody(): MiddlewareHandler {
  return async function requireJsonBodyMiddleware(c, next) {
    const hasBody = c.req.header('Transfer-Encoding') !== undefined || Number(c.req.header('Content-Length') ?? '0') > 0;
    if (hasBody) {
      const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]?.trim() ?? '';
      if (!JSON_MEDIA_TYPE.test(mediaType)) {
        throw new AppError('VALIDATION_FAILED', 'Send the request body as JSON with `Content-Type: application/json`.', [
          { field: 'Content-Type', message: `must be application/json, not '${mediaType || 'missing'}'` },
        ]);
      }
    }
    await next();
  };
}
