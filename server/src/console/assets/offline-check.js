// @ts-check
/**
 * Checks a ticket code with no network, from what a door device keeps (docs/door.md): the
 * organizer's Ed25519 public key, the event's validity window, and the ids of tickets voided,
 * admitted elsewhere, or admitted on this device. Shared by the scanner page
 * (`scanner-offline.js`) and the offline bench, which loads this very file in Node.
 *
 * The signature is checked with WebCrypto's Ed25519 (browsers since 2025, Node ≥ 20). Where
 * WebCrypto lacks it (`importKey` throws), a page that gave `useFallback` a loader checks it
 * with @noble/ed25519 instead (an audited, dependency-free implementation, served as the
 * `ed25519.js` asset); without one, `importKey` rejects and the scanner queues scans.
 */
(function offlineCheck(root) {
  'use strict';

  var CODE = /^TTS1\.(tkt_[0-9A-Za-z]{10,40})\.(evt_[0-9A-Za-z]{10,40})\.([A-Za-z0-9_-]{86})$/;

  /** @param {string} text base64url */
  function fromBase64Url(text) {
    var bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  /** @param {string} text ASCII */
  function ascii(text) {
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  /**
   * A code's parts, or null when it is not a signed code at all.
   * @param {string} code
   */
  function parseCode(code) {
    var match = CODE.exec(code.trim());
    if (!match) return null;
    var ticket = /** @type {string} */ (match[1]);
    var event = /** @type {string} */ (match[2]);
    return { ticket: ticket, event: event, signed: 'TTS1.' + ticket + '.' + event, signature: /** @type {string} */ (match[3]) };
  }

  /** @type {(() => Promise<any>) | null} Loads @noble/ed25519 when WebCrypto lacks Ed25519. */
  var loadFallback = null;

  /**
   * Sets how to load @noble/ed25519 for a browser whose WebCrypto lacks Ed25519.
   * @param {() => Promise<any>} load resolves to the module (`verifyAsync`)
   */
  function useFallback(load) {
    loadFallback = load;
  }

  /**
   * @typedef {CryptoKey | { fallback: any, raw: Uint8Array }} VerifyKey
   * A WebCrypto key, or the raw key with the fallback module that checks signatures with it.
   */

  /**
   * The organizer's verification key, from its raw base64url form: WebCrypto's, or the
   * fallback's where WebCrypto refuses Ed25519.
   * @param {string} publicKey
   * @returns {Promise<VerifyKey>}
   */
  function importKey(publicKey) {
    var raw = fromBase64Url(publicKey);
    // Called inside a promise: an old browser may throw at once (no `subtle`) rather than reject.
    return Promise.resolve()
      .then(function () {
        return crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
      })
      .catch(function (/** @type {unknown} */ err) {
        if (!loadFallback) throw err;
        return loadFallback().then(function (ed) {
          return { fallback: ed, raw: raw };
        });
      });
  }

  /**
   * @param {VerifyKey} key
   * @param {Uint8Array<ArrayBuffer>} signature
   * @param {Uint8Array<ArrayBuffer>} message
   * @returns {Promise<boolean>}
   */
  function verify(key, signature, message) {
    if ('fallback' in key) return key.fallback.verifyAsync(signature, message, key.raw);
    return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
  }

  /**
   * @typedef {{
   *   key: VerifyKey, event: string, status: string,
   *   validFrom: number | null, validUntil: number | null,
   *   voided: Set<string>, checkedIn: Set<string>, admittedHere: Set<string>,
   *   list?: OfflineList | null
   * }} OfflineState
   * Ticket ids in the sets are bare (without `tkt_`), as the snapshot sends them.
   */

  /**
   * @typedef {{
   *   onList: Set<string> | null, opensAt: number | null, closesAt: number | null, reentry: boolean
   * }} OfflineList
   * The named check-in list the device scans on: `onList` holds the tickets of the types it
   * admits (null for every type); on a re-entry list every scan is a move, never a second admission.
   */

  /**
   * The verdict on one code, with the same reasons, in the same order, as the server's check-in.
   * A typed ticket id cannot be checked offline: it is `queued` for the server.
   * @param {OfflineState} state
   * @param {string} code
   * @param {number} now milliseconds
   * @returns {Promise<{ result: 'accepted' | 'rejected' | 'queued', reason: string | null, ticket: string | null }>}
   */
  function decide(state, code, now) {
    var parsed = parseCode(code);
    if (!parsed) {
      var typed = /^tkt_[0-9A-Za-z]{10,40}$/.test(code.trim());
      return Promise.resolve({ result: typed ? 'queued' : 'rejected', reason: typed ? null : 'invalid_code', ticket: typed ? code.trim() : null });
    }
    var p = parsed;
    return verify(state.key, fromBase64Url(p.signature), ascii(p.signed)).then(function (genuine) {
      /** @param {string | null} reason */
      var verdict = function (reason) {
        return { result: reason ? /** @type {const} */ ('rejected') : /** @type {const} */ ('accepted'), reason: reason, ticket: genuine ? p.ticket : null };
      };
      if (!genuine) return verdict('invalid_code');
      if (p.event !== state.event) return verdict('wrong_event');
      if (state.status === 'cancelled') return verdict('event_cancelled');
      var bare = p.ticket.slice(4);
      if (state.voided.has(bare)) return verdict('voided');
      var list = state.list;
      var admitted = state.checkedIn.has(bare) || state.admittedHere.has(bare);
      if (!list) {
        if (admitted) return verdict('already_checked_in');
        if (state.validFrom !== null && now < state.validFrom) return verdict('not_yet_valid');
        if (state.validUntil !== null && now > state.validUntil) return verdict('expired');
        return verdict(null);
      }
      // On a named list the server judges the ticket's window, then the list's rules, then its pass.
      if (state.validFrom !== null && now < state.validFrom) return verdict('not_yet_valid');
      if (state.validUntil !== null && now > state.validUntil) return verdict('expired');
      if (list.onList && !list.onList.has(bare)) return verdict('not_on_list');
      if ((list.opensAt !== null && now < list.opensAt) || (list.closesAt !== null && now > list.closesAt)) return verdict('outside_list_window');
      if (admitted && !list.reentry) return verdict('already_checked_in');
      return verdict(null);
    });
  }

  root.ttsOfflineCheck = { parseCode: parseCode, importKey: importKey, useFallback: useFallback, decide: decide };
})(/** @type {any} */ (globalThis));
