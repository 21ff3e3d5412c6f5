import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../router.js';

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Operations'],
  summary: 'Liveness',
  description: 'Answers while the process runs; it does not touch the store.',
  responses: { 200: { description: 'Alive.', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
});

const ReadinessSchema = z.object({ status: z.enum(['ready', 'unavailable']), store: z.string() });

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['Operations'],
  summary: 'Readiness',
  description: 'Ready when the store answers within 2 s: load balancers should route traffic only to ready servers.',
  responses: {
    200: { description: 'Ready.', content: { 'application/json': { schema: ReadinessSchema } } },
    503: { description: 'The store does not answer, or not within 2 s.', content: { 'application/json': { schema: ReadinessSchema } } },
  },
});

/** How long readiness waits for the store by default: well inside a load balancer's probe timeout. */
export const READINESS_TIMEOUT_MS = 2_000;

/**
 * Settles like `ping`, or rejects after `ms`. An unreachable MongoDB makes a ping wait for
 * server selection (30 s by default), longer than any probe waits; a late outcome is ignored.
 */
function pingWithin(ping: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The store did not answer within ${ms} ms`)), ms);
  });
  ping.catch(() => undefined);
  return Promise.race([ping, timeout]).finally(() => clearTimeout(timer));
}

/** Liveness and readiness probes. */
export function healthRoutes() {
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const { store } = c.var.deps;
      try {
        await pingWithin(store.ping(), READINESS_TIMEOUT_MS);
        return c.json({ status: 'ready' as const, store: store.driver }, 200);
      } catch {
        return c.json({ status: 'unavailable' as const, store: store.driver }, 503);
      }
    });
}
