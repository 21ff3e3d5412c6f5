// The tests run Lit's development build on purpose (it checks more); its banner is noise here.
const lit = globalThis as { litIssuedWarnings?: Set<string> };
lit.litIssuedWarnings ??= new Set();
lit.litIssuedWarnings.add('dev-mode');

import { parts } from '../parts.js';

// No module is imported over HTTP here: the parts the browser fetches from /widget/v1/ come
// from their sources (the served files themselves are checked by server/test/widget/).
const SOURCES: Record<string, () => Promise<unknown>> = {
  'tts-checkout.options.js': () => import('../options.js'),
  'tts-checkout.razorpay.js': () => import('../razorpay-handler.js'),
  'tts-checkout.extras.js': () => import('../extras.js'),
  'tts-checkout.attendees.js': () => import('../attendees.js'),
  'tts-checkout.waitlist.js': () => import('../waitlist.js'),
};
parts.load = async (_base, file) => {
  const source = SOURCES[file];
  if (!source) throw new Error(`no part ${file}`);
  return source();
};
