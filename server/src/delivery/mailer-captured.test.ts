import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../kernel/clock.js';
import { createCapturedMailer, safeFilename, type CapturedMailer } from './mailer.js';

const bytes = (text: string) => new TextEncoder().encode(text);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

describe('safeFilename', () => {
  it('leaves no way out of a folder', () => {
    expect(safeFilename('../../etc/passwd')).toBe('etc_passwd');
    expect(safeFilename('..\\..\\win.ini')).toBe('win.ini');
    expect(safeFilename('C:/x/y.pdf')).toBe('C_x_y.pdf');
    expect(safeFilename('.htaccess')).toBe('htaccess');
    expect(safeFilename('a\u0000b.pdf')).toBe('a_b.pdf');
    expect(safeFilename('..')).toBe('attachment');
    expect(safeFilename('message.json')).toBe('attachment');
    expect(safeFilename('टिकट.pdf')).toBe('pdf');
  });
});

for (const mode of ['on disk', 'in memory'] as const) {
  describe(`createCapturedMailer ${mode}`, () => {
    let dir: string;
    let clock: ManualClock;
    let mailer: CapturedMailer;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tts-mailbox-'));
      clock = new ManualClock('2026-11-08T10:00:00.000Z');
      mailer = createCapturedMailer({ ...(mode === 'on disk' ? { dir: join(dir, 'mailbox') } : {}), from: 'tickets@tts.test', clock });
    });
    afterEach(async () => {
      await mailer.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps each message with its attachments and lists the newest first', async () => {
      await mailer.send({ to: 'first@example.in', subject: 'first', text: 't1', html: '<p>1</p>' });
      clock.advance(1000);
      const { messageId } = await mailer.send({
        to: 'second@example.in',
        subject: 'second',
        text: 't2',
        html: '<p>2</p>',
        attachments: [{ filename: 'ticket.pdf', contentType: 'application/pdf', content: bytes('%PDF-1.3 one') }],
      });
      await mailer.send({ to: 'third@example.in', subject: 'third (same instant)', text: 't3', html: '<p>3</p>' });

      const all = await mailer.list();
      expect(all.map((m) => m.subject)).toEqual(['third (same instant)', 'second', 'first']);
      expect((await mailer.list({ limit: 1 })).map((m) => m.subject)).toEqual(['third (same instant)']);

      const second = all[1];
      expect(second).toMatchObject({
        to: 'second@example.in',
        from: 'tickets@tts.test',
        text: 't2',
        html: '<p>2</p>',
        message_id: messageId,
        created_at: '2026-11-08T10:00:01.000Z',
      });
      expect(second?.id).toMatch(/^mail_[0-9A-Za-z]{29}$/);
      expect(second?.attachments).toEqual([expect.objectContaining({ filename: 'ticket.pdf', content_type: 'application/pdf', size: 12 })]);
      const file = await mailer.readAttachment(second?.id ?? '', 'ticket.pdf');
      expect(new TextDecoder().decode(file?.content)).toBe('%PDF-1.3 one');
      expect(file?.content_type).toBe('application/pdf');
    });

    it('stores hostile attachment names under safe, unique names inside the mailbox only', async () => {
      await mailer.send({
        to: 'a@example.in',
        subject: 'hostile',
        text: 't',
        html: 'h',
        attachments: [
          { filename: '../../evil.sh', contentType: 'text/plain', content: bytes('evil') },
          { filename: 'ticket.pdf', contentType: 'application/pdf', content: bytes('A') },
          { filename: 'ticket.pdf', contentType: 'application/pdf', content: bytes('B') },
          { filename: 'message.json', contentType: 'application/json', content: bytes('{}') },
        ],
      });
      const [message] = await mailer.list();
      const names = message?.attachments.map((a) => a.filename);
      expect(names).toEqual(['evil.sh', 'ticket.pdf', 'ticket-2.pdf', 'attachment']);
      const id = message?.id ?? '';

      expect(await mailer.readAttachment(id, '../../evil.sh')).toBeNull();
      expect(await mailer.readAttachment(id, '..%2F..%2Fevil.sh')).toBeNull();
      expect(await mailer.readAttachment(`${id}/../..`, 'evil.sh')).toBeNull();
      expect(await mailer.readAttachment(id, 'message.json')).toBeNull();
      expect(await mailer.readAttachment(id, 'missing.pdf')).toBeNull();
      expect(await mailer.readAttachment('mail_0000000000000000000000', 'evil.sh')).toBeNull();
      expect(new TextDecoder().decode((await mailer.readAttachment(id, 'ticket-2.pdf'))?.content)).toBe('B');

      if (mode === 'on disk') {
        const files = await filesUnder(dir);
        expect(files.every((f) => f.startsWith(`mailbox${'/'}`))).toBe(true);
        expect(files.filter((f) => f.endsWith('evil.sh'))).toHaveLength(1);
        for (const a of message?.attachments ?? []) expect(a.path?.startsWith(join(dir, 'mailbox'))).toBe(true);
      } else {
        expect(message?.attachments.every((a) => a.path === null)).toBe(true);
      }
    });

    it('returns copies, so callers cannot change what was captured', async () => {
      await mailer.send({ to: 'a@example.in', subject: 'original', text: 't', html: 'h' });
      const [first] = await mailer.list();
      if (first) first.subject = 'changed';
      expect((await mailer.list())[0]?.subject).toBe('original');
    });
  });
}

it('a second mailer over the same directory sees what the first captured (one mailbox per data dir)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tts-mailbox-'));
  try {
    const writer = createCapturedMailer({ dir, from: 'tickets@tts.test' });
    await writer.send({ to: 'a@example.in', subject: 'persisted', text: 't', html: 'h' });
    const reader = createCapturedMailer({ dir, from: 'tickets@tts.test' });
    expect((await reader.list()).map((m) => m.subject)).toEqual(['persisted']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
