import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { EventDoc } from '../../domain/events.js';
import { AppError } from '../../kernel/errors.js';
import type { ConsoleEnv } from '../context.js';
import { renderConsole } from '../middleware.js';
import { DoorPage } from '../pages/door.js';

/** Events listed for a member who is not limited to assigned ones. */
const DOOR_LIST = 50;

/**
 * `/console/door`: the scanner's start page. A door member sees the events they are assigned
 * to (in the current mode); anyone else who may scan sees the newest events.
 *
 * @example
 * router.route('/', doorRoutes());
 */
export function doorRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get('/console/door', async function doorPage(c) {
    const { user, services } = c.var;
    let events: EventDoc[];
    if (user.actor.events === null) {
      events = (await services.events.list(user.owner, { limit: DOOR_LIST })).data;
    } else {
      const found = await Promise.all(
        user.actor.events.map((id) =>
          services.events.get(user.owner, id).catch((err: unknown) => {
            // An assigned event of the other mode, or one deleted since.
            if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
            throw err;
          }),
        ),
      );
      events = found.filter((e): e is EventDoc => e !== null);
    }
    return renderConsole(c, jsx(DoorPage, { user, events }));
  });

  return router;
}
