import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import { z } from 'zod';
import { SYNC_BATCH_MAX } from '../../domain/offline-sync.js';
import { doorListId } from '../../http/schemas/door-devices.js';
import { auditContext } from '../../http/audit-context.js';
import { toDoorDeviceJson, toDoorScanResultJson, toDoorSnapshotJson } from '../../http/routes/door-devices.js';
import { notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { actor } from '../context.js';
import { formOf, refuse, renderConsole, wantsJson } from '../middleware.js';
import { DoorDevicesPage } from '../pages/door-devices.js';
import { assetText, assetUrl } from '../assets.js';

const EVENT_ID = idPattern('evt');
const DEVICE_ID = idPattern('dev');

const SignInBody = z.strictObject({ name: z.string().trim().max(60, 'is longer than 60 characters').default('') });

const SnapshotQuery = z.object({
  device: z.string().regex(DEVICE_ID, 'must be a door device id'),
  since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  list: doorListId.optional(),
});

/** One upload of offline admissions: the device, its clock when it sent them, and the scans. */
const UploadBody = z.strictObject({
  device: z.string().regex(DEVICE_ID, 'must be a door device id'),
  sent_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
  list: doorListId.optional(),
  scans: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _'),
        code: z.string().trim().min(1).max(512),
        scanned_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
      }),
    )
    .max(SYNC_BATCH_MAX, `at most ${SYNC_BATCH_MAX} scans per upload`),
});

function eventIdOf(c: ConsoleContext): string {
  const id = c.req.param('id') ?? '';
  if (!EVENT_ID.test(id)) throw notFound('event', id);
  return id;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'The request could not be read.';
}

/**
 * Door devices of an event (docs/door.md): signing this phone in for offline scanning, the
 * snapshot it keeps, the upload of what it admitted offline, and the console's list of
 * devices (last sync, revoke) and of the conflicts their uploads found.
 *
 * @example
 * router.route('/', doorDeviceRoutes());
 */
export function doorDeviceRoutes() {
  const router = new Hono<ConsoleEnv>();

  // The scanner as an installable app. The worker sits at /console/ so its scope covers the
  // scanner pages; what it caches is in scanner-sw.js.
  router.get('/console/scanner-sw.js', function serviceWorker(c) {
    return c.body(assetText('scanner-sw.js'), 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
  });
  router.get('/console/scanner.webmanifest', function manifest(c) {
    const body = {
      name: 'Trendy Tickets door scanner',
      short_name: 'Door scanner',
      start_url: '/console/door',
      scope: '/console/',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#1d4ed8',
      icons: [{ src: assetUrl('scanner-icon.svg'), sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
    };
    return c.body(JSON.stringify(body), 200, { 'Content-Type': 'application/manifest+json', 'Cache-Control': 'no-cache' });
  });

  router.get('/console/events/:id/devices', async function devicesPage(c) {
    const { user, services } = c.var;
    const event = await services.events.get(user.owner, eventIdOf(c));
    const [devices, conflicts, stats] = await Promise.all([
      services.doorDevices.list(user.owner, event._id),
      services.offlineSync.conflicts(user.owner, event._id),
      services.offlineSync.stats(user.owner, event._id),
    ]);
    return renderConsole(c, jsx(DoorDevicesPage, { user, event, devices, conflicts, stats }));
  });

  router.post('/console/events/:id/devices', async function signInDevice(c) {
    const { user, services } = c.var;
    const eventId = eventIdOf(c);
    const raw = wantsJson(c) ? await c.req.json().catch(() => null) : { name: (await formOf(c)).name ?? '' };
    const parsed = SignInBody.safeParse(raw);
    if (!parsed.success) return refuse(c, 400, 'Device not signed in', [firstIssue(parsed.error)], 'VALIDATION_FAILED');
    const device = await services.doorDevices.signIn(user.owner, eventId, { name: parsed.data.name, by: actor(user) }, auditContext(c));
    if (!wantsJson(c)) return c.redirect(`/console/events/${eventId}/scan`, 303);
    return c.json({ device: toDoorDeviceJson(device) }, 201);
  });

  router.post('/console/events/:id/devices/:device/revoke', async function revokeDevice(c) {
    const { user, services } = c.var;
    const eventId = eventIdOf(c);
    const deviceId = c.req.param('device') ?? '';
    if (!DEVICE_ID.test(deviceId)) throw notFound('door device', deviceId);
    await services.doorDevices.revoke(user.owner, eventId, deviceId, actor(user), auditContext(c));
    return c.redirect(`/console/events/${eventId}/devices`, 303);
  });

  router.get('/console/events/:id/offline', async function snapshot(c) {
    const { user, services } = c.var;
    const eventId = eventIdOf(c);
    const parsed = SnapshotQuery.safeParse(c.req.query());
    if (!parsed.success) return refuse(c, 400, 'Not read', [firstIssue(parsed.error)], 'VALIDATION_FAILED');
    const since = parsed.data.since === undefined ? null : new Date(parsed.data.since);
    const snap = await services.offlineSync.snapshot(user.owner, eventId, parsed.data.device, since, parsed.data.list ?? null);
    return c.json(toDoorSnapshotJson(snap), 200, { 'Cache-Control': 'no-store' });
  });

  router.post('/console/events/:id/offline', async function upload(c) {
    const { user, services } = c.var;
    const eventId = eventIdOf(c);
    const parsed = UploadBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return refuse(c, 400, 'Not read', [firstIssue(parsed.error)], 'VALIDATION_FAILED');
    const { device, sent_at, scans, list } = parsed.data;
    const results = await services.offlineSync.upload(user.owner, eventId, device, {
      sent_at: new Date(sent_at),
      list: list ?? null,
      scans: scans.map((s) => ({ id: s.id, code: s.code, scanned_at: new Date(s.scanned_at) })),
    });
    return c.json({ object: 'door_sync', results: results.map(toDoorScanResultJson) }, 200, { 'Cache-Control': 'no-store' });
  });

  return router;
}
