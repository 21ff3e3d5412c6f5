// @ts-check
/**
 * Offline admission for the door scanner (docs/door.md). Once this phone is signed in as a
 * door device for the event, it keeps a local copy in IndexedDB (the verification key, the
 * event's window, the ids of voided and admitted tickets), refreshed every few seconds from
 * a cursor. With no network it checks each code itself (`offline-check.js`), admits or
 * refuses, records each admission locally, and uploads the admissions when the network is
 * back, each with its own id and the phone's scan time, so an upload cut short is simply
 * sent again. `scanner.js` asks `window.ttsOffline` first whenever the network is down.
 */
(function scannerOffline() {
  'use strict';

  /** How often the local copy is refreshed and admissions uploaded while online. */
  var SYNC_MS = 4000;
  /** Admissions per upload: a long outage goes up in several requests. */
  var UPLOAD_BATCH = 100;
  var REASON_WORDS = /** @type {Record<string, string>} */ ({
    already_checked_in: 'Already checked in',
    invalid_code: 'Not a valid ticket code',
    wrong_event: 'Ticket is for another event',
    not_yet_valid: 'Not valid yet',
    expired: 'Ticket has expired',
    voided: 'Ticket was voided',
    event_cancelled: 'Event is cancelled',
    not_on_list: 'Ticket type not on this list',
    outside_list_window: 'List is closed at this time',
  });

  var root = document.getElementById('scanner');
  var check = /** @type {any} */ (window).ttsOfflineCheck;
  if (!root || !check) return;
  var eventId = root.dataset.event || '';
  var csrf = root.dataset.csrf || '';
  var devicesUrl = root.dataset.devices || '';
  var offlineUrl = root.dataset.offline || '';
  var deviceKey = 'tts-door-device:' + eventId;
  /** The check-in list this page scans on: each list keeps its own copy and its own admissions. */
  var listId = root.dataset.list || 'default';
  var listName = root.dataset.listName || '';
  /** The local copy's key: the event's id alone for the default list, as before lists existed. */
  var snapKey = listId === 'default' ? eventId : eventId + '|' + listId;
  // Fetched only on a browser whose WebCrypto lacks Ed25519; its URL names its content, so the
  // service worker keeps it for offline use once loaded.
  var fallbackUrl = root.dataset.ed25519;
  if (fallbackUrl) {
    var url = fallbackUrl;
    check.useFallback(function () {
      return import(url);
    });
  }

  var panel = document.getElementById('offline-panel');
  var status = document.getElementById('offline-status');
  var badge = document.getElementById('offline-badge');
  var enable = /** @type {HTMLButtonElement | null} */ (document.getElementById('offline-enable'));
  var nameInput = /** @type {HTMLInputElement | null} */ (document.getElementById('offline-name'));

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/console/scanner-sw.js', { scope: '/console/' }).catch(function () {
      // Without the worker the page still admits offline while it stays open.
    });
  }

  // ── IndexedDB ────────────────────────────────────────────────────────────

  /** @type {Promise<IDBDatabase | null>} */
  var dbReady = new Promise(function (resolve) {
    try {
      var open = indexedDB.open('tts-door', 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore('snapshots', { keyPath: 'event' });
        open.result.createObjectStore('admissions', { keyPath: 'id' });
      };
      open.onsuccess = function () {
        resolve(open.result);
      };
      open.onerror = function () {
        resolve(null);
      };
    } catch (_err) {
      resolve(null);
    }
  });

  /**
   * @param {string} store
   * @param {'readonly' | 'readwrite'} mode
   * @param {(s: IDBObjectStore) => IDBRequest | void} work
   * @returns {Promise<any>}
   */
  function tx(store, mode, work) {
    return dbReady.then(function (db) {
      if (!db) return Promise.reject(new Error('no local storage'));
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var req = work(t.objectStore(store));
        t.oncomplete = function () {
          resolve(req ? req.result : undefined);
        };
        t.onerror = function () {
          reject(t.error);
        };
        t.onabort = function () {
          reject(t.error);
        };
      });
    });
  }

  // ── State ────────────────────────────────────────────────────────────────

  var device = localStorage.getItem(deviceKey) || '';
  /** @type {any} */
  var state = null;
  /** @type {{ cursor: string, synced_at: string } | null} */
  var syncInfo = null;
  /** @type {Array<{ id: string, event: string, list?: string, device: string, code: string, ticket: string, scanned_at: string }>} */
  var pending = [];
  /** Whether the last request to the server failed for want of a network. */
  var unreachable = false;
  var storageProblem = false;

  /** @param {any} snap */
  function applySnapshot(snap) {
    return check.importKey(snap.public_key).then(function (/** @type {any} */ key) {
      var next = state || { voided: new Set(), checkedIn: new Set(), admittedHere: new Set(), onList: null };
      var onList = snap.on_list || null;
      if (snap.full) {
        next.voided = new Set(snap.voided);
        next.checkedIn = new Set(snap.checked_in);
        next.onList = onList ? new Set(onList) : null;
      } else {
        if (onList) {
          if (!next.onList) next.onList = new Set();
          onList.forEach(function (/** @type {string} */ id) {
            next.onList.add(id);
          });
        }
        snap.voided.forEach(function (/** @type {string} */ id) {
          next.voided.add(id);
        });
        snap.checked_in.forEach(function (/** @type {string} */ id) {
          next.checkedIn.add(id);
        });
      }
      // Undone at the door or in the console: the ticket admits again, here too.
      var unchecked = /** @type {string[]} */ (snap.unchecked || []);
      unchecked.forEach(function (id) {
        next.checkedIn.delete(id);
        next.admittedHere.delete(id);
      });
      var rules = snap.list || null;
      next.list = rules
        ? {
            onList: rules.ticket_types ? next.onList || new Set() : null,
            opensAt: rules.opens_at ? Date.parse(rules.opens_at) : null,
            closesAt: rules.closes_at ? Date.parse(rules.closes_at) : null,
            reentry: !!rules.reentry,
          }
        : null;
      next.key = key;
      next.event = snap.event;
      next.status = snap.status;
      next.validFrom = snap.valid_from ? Date.parse(snap.valid_from) : null;
      next.validUntil = snap.valid_until ? Date.parse(snap.valid_until) : null;
      state = next;
      syncInfo = { cursor: snap.cursor, synced_at: new Date().toISOString() };
      var changed = snap.full || snap.voided.length > 0 || snap.checked_in.length > 0 || unchecked.length > 0 || (onList !== null && onList.length > 0);
      var record = {
        event: snapKey,
        device: device,
        list: rules,
        public_key: snap.public_key,
        status: snap.status,
        valid_from: snap.valid_from,
        valid_until: snap.valid_until,
        voided: changed ? Array.from(next.voided) : undefined,
        checked_in: changed ? Array.from(next.checkedIn) : undefined,
        on_list: changed && next.onList ? Array.from(next.onList) : undefined,
        cursor: snap.cursor,
        synced_at: syncInfo.synced_at,
      };
      if (!changed) {
        return tx('snapshots', 'readonly', function (s) {
          return s.get(snapKey);
        }).then(function (/** @type {any} */ old) {
          if (!old) return undefined;
          record.voided = old.voided;
          record.checked_in = old.checked_in;
          record.on_list = old.on_list;
          return tx('snapshots', 'readwrite', function (s) {
            return s.put(record);
          });
        });
      }
      return tx('snapshots', 'readwrite', function (s) {
        return s.put(record);
      });
    });
  }

  function loadLocal() {
    return Promise.all([
      tx('snapshots', 'readonly', function (s) {
        return s.get(snapKey);
      }),
      tx('admissions', 'readonly', function (s) {
        return s.getAll();
      }),
    ]).then(function (found) {
      var snap = found[0];
      var admissions = /** @type {any[]} */ (found[1] || []).filter(function (a) {
        return a.event === eventId;
      });
      pending = admissions.filter(function (a) {
        return !a.synced;
      });
      if (!snap || snap.device !== device) return undefined;
      return applySnapshot(Object.assign({}, snap, { event: eventId, full: true, unchecked: [] })).then(function () {
        syncInfo = { cursor: snap.cursor, synced_at: snap.synced_at };
        // Uploaded admissions are in the server's answer (`checked_in`), undos included; only
        // those still waiting to upload are known here alone.
        pending.forEach(function (a) {
          if ((a.list || 'default') === listId) state.admittedHere.add(a.ticket.slice(4));
        });
      });
    });
  }

  // ── Sync ─────────────────────────────────────────────────────────────────

  /**
   * @param {string} url
   * @param {RequestInit} init
   */
  function call(url, init) {
    return fetch(url, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, init)).then(
      function (res) {
        unreachable = false;
        return res;
      },
      function (err) {
        unreachable = true;
        throw err;
      },
    );
  }

  var syncing = false;
  function sync() {
    if (!device || syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return upload()
      .then(function () {
        var since = syncInfo ? '&since=' + encodeURIComponent(syncInfo.cursor) : '';
        var list = listId === 'default' ? '' : '&list=' + encodeURIComponent(listId);
        return call(offlineUrl + '?device=' + encodeURIComponent(device) + list + since, { headers: { Accept: 'application/json' } });
      })
      .then(function (res) {
        if (res.status === 403 || res.status === 404) return revoked();
        if (!res.ok) return undefined;
        return res.json().then(applySnapshot);
      })
      .catch(function () {
        // No network, or the server is down: the local copy stays as it was.
      })
      .finally(function () {
        syncing = false;
        showStatus();
      });
  }

  /** @returns {Promise<void>} */
  function upload() {
    if (pending.length === 0) return Promise.resolve();
    // One list per upload: admissions made on another list (before the picker changed) go in their own batch.
    var batchList = /** @type {any} */ (pending[0]).list || 'default';
    var batch = pending
      .filter(function (a) {
        return (a.list || 'default') === batchList;
      })
      .slice(0, UPLOAD_BATCH);
    return call(offlineUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({
        device: device,
        sent_at: new Date().toISOString(),
        list: batchList === 'default' ? undefined : batchList,
        scans: batch.map(function (a) {
          return { id: a.id, code: a.code, scanned_at: a.scanned_at };
        }),
      }),
    }).then(function (res) {
      if (res.status === 403) return revoked();
      if (!res.ok) return undefined;
      return res.json().then(function (body) {
        var results = /** @type {any[]} */ (body.results || []);
        var done = new Set(
          results.map(function (r) {
            return r.id;
          }),
        );
        var flagged = results.filter(function (r) {
          return r.outcome !== 'admitted';
        }).length;
        pending = pending.filter(function (a) {
          return !done.has(a.id);
        });
        if (flagged > 0) flag(flagged + ' offline admission' + (flagged === 1 ? ' was' : 's were') + ' flagged by the server (conflict or voided): see Door devices.');
        return tx('admissions', 'readwrite', function (s) {
          results.forEach(function (r) {
            var a = batch.find(function (b) {
              return b.id === r.id;
            });
            if (a) s.put(Object.assign({}, a, { synced: 1, outcome: r.outcome }));
          });
        })
          .catch(function () {
            // The server keeps each scan once: marking it sent again later is harmless.
          })
          .then(function () {
            if (pending.length > 0) return upload();
            return undefined;
          });
      });
    });
  }

  function revoked() {
    device = '';
    state = null;
    localStorage.removeItem(deviceKey);
    flag('This device was signed out for this event: scans are queued for the server again.');
    showStatus();
  }

  /** @param {string} message */
  function flag(message) {
    var box = document.getElementById('scanner-alert');
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  // ── What staff see ───────────────────────────────────────────────────────

  /** @param {string | undefined} iso */
  function clock(iso) {
    return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : 'never';
  }

  function isOffline() {
    return !navigator.onLine || unreachable;
  }

  function showStatus() {
    if (panel) panel.hidden = false;
    if (enable) enable.hidden = !!device;
    if (nameInput) nameInput.hidden = !!device;
    var last = clock(syncInfo ? syncInfo.synced_at : undefined);
    var waiting = pending.length > 0 ? ' · ' + pending.length + ' to upload' : '';
    if (status) {
      status.textContent = !device
        ? 'This device admits only while online.'
        : state
          ? 'Ready to admit offline' +
            (listName ? ' on ' + listName : '') +
            ' · last sync ' +
            last +
            waiting +
            (storageProblem ? ' · storage full: admissions kept only while this page is open' : '')
          : 'Fetching the event for offline use…';
    }
    if (badge) {
      badge.hidden = !(device && isOffline());
      badge.textContent = 'OFFLINE · last sync ' + last + waiting;
    }
  }

  if (enable) {
    var button = enable;
    button.addEventListener('click', function () {
      button.disabled = true;
      call(devicesUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ name: nameInput ? nameInput.value : '' }),
      })
        .then(function (res) {
          return res.json().then(function (body) {
            if (!res.ok) throw new Error((body.error && body.error.message) || 'Could not sign this device in.');
            device = body.device.id;
            localStorage.setItem(deviceKey, device);
            syncInfo = null;
            return sync();
          });
        })
        .catch(function (/** @type {any} */ err) {
          flag(err && err.message ? err.message : 'Could not sign this device in.');
        })
        .finally(function () {
          button.disabled = false;
          showStatus();
        });
    });
  }

  /** 128 random bits as hex: the admission's id on this device. */
  function scanId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return (b < 16 ? '0' : '') + b.toString(16);
      })
      .join('');
  }

  /**
   * The offline verdict on a code, or null when this device cannot decide (not signed in, no
   * local copy yet, or a typed ticket id): the scanner then queues the scan for the server.
   * An admission is recorded before it is shown.
   * @param {string} code
   * @returns {Promise<{ result: string, verdict: string, reason_text: string, detail: string, ticket: string | null } | null>}
   */
  function checkOffline(code) {
    if (!state) return Promise.resolve(null);
    var now = Date.now();
    return check.decide(state, code, now).then(function (/** @type {any} */ v) {
      if (v.result === 'queued') return null;
      if (v.result === 'rejected') {
        return { result: 'rejected', verdict: 'REFUSED', reason_text: REASON_WORDS[v.reason] || v.reason, detail: 'Checked offline', ticket: v.ticket };
      }
      var admission = { id: scanId(), event: eventId, list: listId, device: device, code: code.trim(), ticket: v.ticket, scanned_at: new Date(now).toISOString(), synced: 0 };
      state.admittedHere.add(v.ticket.slice(4));
      pending.push(admission);
      return tx('admissions', 'readwrite', function (s) {
        return s.put(admission);
      })
        .then(
          function () {
            storageProblem = false;
          },
          function () {
            storageProblem = true;
          },
        )
        .then(function () {
          showStatus();
          return { result: 'accepted', verdict: 'ADMITTED', reason_text: '', detail: 'Checked offline · uploaded when the network is back', ticket: v.ticket };
        });
    });
  }

  /** @type {any} */ (window).ttsOffline = { isOffline: isOffline, check: checkOffline };

  window.addEventListener('online', function () {
    unreachable = false;
    sync();
  });
  window.addEventListener('offline', showStatus);
  setInterval(sync, SYNC_MS);
  setInterval(showStatus, 1000);
  loadLocal()
    .catch(function () {
      storageProblem = true;
    })
    .then(function () {
      showStatus();
      return sync();
    });
})();
