import { createServer } from 'node:net';

/**
 * Whether an error is the operating system saying the port is taken.
 *
 * @example
 * server.once('error', (err) => (isAddressInUse(err) ? explain() : reject(err)));
 */
export function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}

/**
 * The one line `npm start` prints when its port is taken, instead of a stack trace: which
 * port, and how to pick another.
 *
 * @example
 * portInUseMessage(8787);
 * // 'Port 8787 is already in use (is the server already running?). Stop that process, or start on another port: PORT=8788 npm start'
 */
export function portInUseMessage(port: number): string {
  return `Port ${port} is already in use (is the server already running?). Stop that process, or start on another port: PORT=${port + 1} npm start`;
}

/**
 * Whether the port can be listened on now, tried the way the server will listen (every
 * interface). Checked before the store is opened, so a second server started by mistake
 * leaves the first one's data directory alone; the real listen still handles the rare race.
 *
 * @example
 * if (!(await portIsFree(config.port))) exitWith(portInUseMessage(config.port));
 */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => (isAddressInUse(err) ? resolve(false) : reject(err)));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}
