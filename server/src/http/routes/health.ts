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
  description: 'Ready when the store answers: load balancers should route traffic only to ready servers.',
  responses: {
    200: { description: 'Ready.', content: { 'application/json': { schema: ReadinessSchema } } },
    503: { description: 'The store does not answer.', content: { 'application/json': { schema: ReadinessSchema } } },
  },
});

/** Liveness and readiness probes. */
export function healthRoutes() {
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const { store } = c.var.deps;
      try {
        await store.ping();
        return c.json({ status: 'ready' as const, store: store.driver }, 200);
      } catch {
        return c.json({ status: 'unavailable' as const, store: store.driver }, 503);
      }
    });
}
