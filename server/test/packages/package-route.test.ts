import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoutes } from '../../src/http/routes/packages.js';
import { buildTestApp } from '../helpers/app.js';

let parent: string;
let dir: string;

/** A folder of stand-in tarballs (their bytes name them), and a secret beside it that must never be served. */
beforeAll(async () => {
  parent = await mkdtemp(join(tmpdir(), 'tts-packages-route-'));
  dir = join(parent, 'packages');
  await mkdir(dir);
  for (const file of ['trendy-tickets-sdk-1.9.0.tgz', 'trendy-tickets-sdk-1.10.0.tgz', 'trendy-tickets-sdk-1.11.0-rc.1.tgz', 'trendy-tickets-widget-1.0.0.tgz', 'notes.txt']) {
    await writeFile(join(dir, file), `bytes of ${file}`);
  }
  await writeFile(join(parent, 'secret.tgz'), 'secret');
  await writeFile(join(parent, 'trendy-tickets-sdk-9.9.9.tgz'), 'outside the folder');
});
afterAll(() => rm(parent, { recursive: true, force: true }));

const app = () => new Hono().route('/', packageRoutes({ dir }));
const get = async (path: string) => {
  const res = await app().request(path);
  return { status: res.status, text: await res.text(), headers: res.headers };
};

describe('GET /packages/:file (happy)', () => {
  it('serves a release’s tarball byte for byte, as a download under its own name', async () => {
    const res = await get('/packages/trendy-tickets-sdk-1.9.0.tgz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('bytes of trendy-tickets-sdk-1.9.0.tgz');
    expect(res.headers.get('Content-Type')).toBe('application/octet-stream');
    expect(res.headers.get('Content-Disposition')).toBe('attachment; filename="trendy-tickets-sdk-1.9.0.tgz"');
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=300');
  });

  it('serves the newest release at the -latest alias, comparing versions as numbers and a release above its pre-release', async () => {
    await writeFile(join(dir, 'trendy-tickets-sdk-1.11.0.tgz'), 'bytes of trendy-tickets-sdk-1.11.0.tgz');
    try {
      const sdk = await get('/packages/trendy-tickets-sdk-latest.tgz');
      expect(sdk.text).toBe('bytes of trendy-tickets-sdk-1.11.0.tgz');
      expect(sdk.headers.get('Content-Disposition')).toBe('attachment; filename="trendy-tickets-sdk-1.11.0.tgz"');
      expect(sdk.headers.get('Cache-Control')).toBe('no-cache');
    } finally {
      await rm(join(dir, 'trendy-tickets-sdk-1.11.0.tgz'));
    }
    expect((await get('/packages/trendy-tickets-sdk-latest.tgz')).text).toBe('bytes of trendy-tickets-sdk-1.11.0-rc.1.tgz');
    expect((await get('/packages/trendy-tickets-widget-latest.tgz')).text).toBe('bytes of trendy-tickets-widget-1.0.0.tgz');
  });

  it('is mounted on the app, so `npm install https://<server>/packages/…` reaches it', async () => {
    const t = await buildTestApp();
    const res = await t.app.request('/packages/trendy-tickets-sdk-0.0.0-none.tgz');
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/trendy-tickets-sdk|npm run build/);
  });
});

describe('GET /packages/:file (error)', () => {
  it('answers 404 naming the newest release for a version it does not have', async () => {
    const res = await get('/packages/trendy-tickets-sdk-2.0.0.tgz');
    expect(res.status).toBe(404);
    expect(res.text).toBe('No such release; the newest is trendy-tickets-sdk-1.11.0-rc.1.tgz.');
  });

  it('answers 404 with how to build when no tarball was built', async () => {
    const empty = new Hono().route('/', packageRoutes({ dir: join(parent, 'never-built') }));
    const res = await empty.request('/packages/trendy-tickets-widget-latest.tgz');
    expect(res.status).toBe(404);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(await res.text()).toContain('npm run build');
  });
});

describe('GET /packages/:file (security)', () => {
  it.each([
    '/packages/..%2Fsecret.tgz',
    '/packages/%2e%2e%2fsecret.tgz',
    '/packages/..%5Csecret.tgz',
    '/packages/trendy-tickets-sdk-1.9.0.tgz%2F..%2F..%2Fsecret.tgz',
    '/packages/trendy-tickets-sdk-..%2F..%2Ftrendy-tickets-sdk-9.9.9.tgz',
    '/packages/trendy-tickets-sdk-1.9.0.tgz%00',
    '/packages/notes.txt',
    '/packages/trendy-tickets-server-1.0.0.tgz',
    '/packages/secret.tgz',
  ])('refuses %s: only our packages’ file names reach the folder, and nothing outside it', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/secret$|outside the folder|bytes of/);
  });
});
