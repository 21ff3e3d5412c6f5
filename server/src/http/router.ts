import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';
import { validationHook } from './validation.js';

/** A router whose routes document themselves and validate with the API's error shape. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** The security requirement of routes that take a secret or publishable key. */
export const bearer = [{ bearerAuth: [] }];
