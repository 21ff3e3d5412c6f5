import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { limitBody } from './body-limit.js';

/** An app echoing the body it was handed, behind a 1 KiB limit that discards up to 4 KiB. */
function echoApp() {
  const app = new Hono();
  app.use('*', limitBody({ maxBytes: 1024, discardLimitBytes: 4096, onTooLarge: (c) => c.json({ error: 'too large' }, 413) }));
  app.post('/', async (c) => c.text(await c.req.text()));
  return app;
}

/** A body with no declared length, as a client streaming it chunked sends it. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let left = bytes;
  return new ReadableStream({
    pull(controller) {
      const size = Math.min(left, 300);
      if (size === 0) return controller.close();
      left -= size;
      controller.enqueue(new Uint8Array(size).fill(97));
    },
  });
}

const post = (body: string | ReadableStream<Uint8Array>) =>
  echoApp().request('/', { method: 'POST', body, ...(typeof body === 'string' ? { headers: { 'Content-Length': String(body.length) } } : { duplex: 'half' }) } as RequestInit);

describe('limitBody', () => {
  it('hands a body within the limit to the handler unchanged, declared or streamed', async () => {
    const declared = await post('x'.repeat(1024));
    expect(declared.status).toBe(200);
    expect(await declared.text()).toBe('x'.repeat(1024));
    const chunked = await post(streamed(1000));
    expect(chunked.status).toBe(200);
    expect(await chunked.text()).toBe('a'.repeat(1000));
  });

  it('leaves a body with a declared length within the limit for the handler to read itself', async () => {
    // On Node, asking a request for its body stream builds a full web Request around the socket;
    // the handler's own text() or json() reads the socket directly, so the middleware must not ask.
    let streamsAsked = 0;
    const body = JSON.stringify({ event: 'evt_1', quantity: 1 });
    const request = new Request('http://localhost/', { method: 'POST', body, headers: { 'Content-Length': String(body.length) } });
    const stream = Object.getOwnPropertyDescriptor(Request.prototype, 'body')?.get;
    Object.defineProperty(request, 'body', {
      get() {
        streamsAsked += 1;
        return stream?.call(request);
      },
    });
    const res = await echoApp().request(request);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(body);
    expect(streamsAsked).toBe(0);
  });

  it('reads an oversized body to its end before answering 413, so the connection can stay open', async () => {
    for (const res of [await post('x'.repeat(3000)), await post(streamed(3000))]) {
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({ error: 'too large' });
      expect(res.headers.get('Connection')).toBeNull();
    }
  });

  it('answers a body beyond what it will discard with Connection: close', async () => {
    for (const res of [await post('x'.repeat(5000)), await post(streamed(5000))]) {
      expect(res.status).toBe(413);
      expect(res.headers.get('Connection')).toBe('close');
    }
  });
});
