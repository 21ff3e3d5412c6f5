// @ts-check
/**
 * The door scanner's script (/console/events/:id/scan). The page works without it, as a plain
 * form; this adds what a door needs:
 *
 * - scans sent in the background, so a hardware scanner (keyboard wedge: code + Enter) can
 *   fire the next code at once, with a full-screen verdict, a beep and a buzz;
 * - the camera: the browser's BarcodeDetector where it has one, else jsQR, fetched only then;
 * - brief network loss: every scan goes through a queue (kept by the page, mirrored to
 *   localStorage) with its own nonce and the time it was made, and is replayed in order when
 *   the network returns. The server answers a replayed nonce with its first answer, so a scan
 *   whose reply was lost is never counted twice, and records the scan at the time it was made.
 *
 * No inline script, no eval: it runs under the console's `script-src 'self'`.
 */
(function scanner() {
  'use strict';

  /** How long a verdict fills the screen. */
  var RESULT_MS = 4000;
  /** How often queued scans are retried while the network is down (the `online` event also triggers it). */
  var RETRY_MS = 5000;
  /** A code the camera keeps seeing is sent once, until it has been out of view this long. */
  var SAME_CODE_MS = 10000;
  /** Recent scans kept on screen. */
  var RECENT_MAX = 20;

  var root = document.getElementById('scanner');
  if (!root) return;
  var endpoint = root.dataset.endpoint || '';
  var csrf = root.dataset.csrf || '';
  var jsqrUrl = root.dataset.jsqr || '';
  var loginUrl = root.dataset.login || '/console/login';
  var queueKey = 'tts-scan-queue:' + (root.dataset.event || '');

  /** @param {string} id */
  function byId(id) {
    var el = document.getElementById(id);
    if (!el) throw new Error('scanner: missing #' + id);
    return el;
  }
  var form = /** @type {HTMLFormElement} */ (byId('scan-form'));
  var input = /** @type {HTMLInputElement} */ (byId('code'));
  var result = byId('result');
  var recent = byId('recent');
  var recentEmpty = byId('recent-empty');
  var queuedBadge = byId('queued');
  var alertBox = byId('scanner-alert');
  var countIn = byId('count-in');
  var countTotal = byId('count-total');

  // ── Queue ────────────────────────────────────────────────────────────────

  /** @typedef {{ code: string, nonce: string, at: string }} QueuedScan */

  /** @returns {QueuedScan[]} */
  function loadQueue() {
    try {
      var parsed = JSON.parse(localStorage.getItem(queueKey) || '[]');
      return Array.isArray(parsed) ? parsed : [];
    } catch (_err) {
      return [];
    }
  }

  /**
   * The page's own copy is the queue; localStorage holds a mirror, written best-effort, so
   * scans survive a reload or a crash. Reading one place only means a failed write (storage
   * full, or off in private mode) can never leave a stale copy to be read and sent again.
   * @type {QueuedScan[]}
   */
  var queue = loadQueue();

  function saveQueue() {
    try {
      localStorage.setItem(queueKey, JSON.stringify(queue));
    } catch (_err) {
      // Storage full or off: the scans still live as long as the page; the next write retries.
    }
    showQueued(queue.length);
  }

  /** @param {number} n */
  function showQueued(n) {
    queuedBadge.hidden = n === 0;
    queuedBadge.textContent = n + ' queued';
  }

  /** 128 random bits as hex: the scan's own id, sent again on every retry. */
  function newNonce() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return (b < 16 ? '0' : '') + b.toString(16);
      })
      .join('');
  }

  /**
   * A scan: decided on this phone when it is a signed-in door device with no network
   * (scanner-offline.js), otherwise queued for the server.
   * @param {string} code
   */
  function submit(code) {
    var trimmed = code.trim();
    if (!trimmed) return;
    var offline = /** @type {any} */ (window).ttsOffline;
    if (offline && offline.isOffline()) {
      offline.check(trimmed).then(function (/** @type {any} */ local) {
        if (!local) return enqueue(trimmed);
        fillVerdict(local.result, { verdict: local.verdict, reason: local.reason_text, detail: local.detail });
        feedback(local.result === 'accepted');
        var now = new Date();
        addRecent({
          result: local.result,
          verdict: local.verdict,
          holder: local.ticket,
          reason_text: local.reason_text,
          detail: local.detail,
          at: now.toISOString(),
          at_text: now.toLocaleTimeString(),
        });
        return undefined;
      });
      return;
    }
    enqueue(trimmed);
  }

  /** @param {string} trimmed */
  function enqueue(trimmed) {
    queue.push({ code: trimmed, nonce: newNonce(), at: new Date().toISOString() });
    saveQueue();
    flush();
  }

  var flushing = false;
  /** Nonces already announced as queued, so a retry that fails again stays quiet. */
  var announced = new Set();

  /**
   * Sends queued scans oldest first, one at a time, until the queue is empty or a scan stays
   * queued. Each flush sends a nonce at most once: a scan still at the head afterwards waits
   * for the timer or the `online` event, so nothing can resend one scan in a tight loop.
   */
  function flush() {
    if (flushing) return;
    flushing = true;
    sendNext(new Set()).finally(function () {
      flushing = false;
    });
  }

  /** @param {number} n */
  function queuedScans(n) {
    return n + ' queued scan' + (n === 1 ? '' : 's');
  }

  /** Shows QUEUED for scans not announced yet; each is announced once, however often its retries fail. */
  function announceQueued() {
    var fresh = queue.filter(function (s) {
      return !announced.has(s.nonce);
    });
    fresh.forEach(function (s) {
      announced.add(s.nonce);
    });
    var newest = fresh[fresh.length - 1];
    if (newest) showQueuedVerdict(newest);
  }

  /**
   * Something other than the scan endpoint answered (a Wi-Fi sign-in page that fetch followed
   * a redirect to, a proxy's error page) or the server could not take the scan: it stays queued.
   * @param {string} why
   */
  function keepQueued(why) {
    showAlert(why + ' ' + queuedScans(queue.length) + ' will be sent again automatically.', null);
    announceQueued();
  }

  /** @param {Response} res */
  function isJson(res) {
    return (res.headers.get('Content-Type') || '').toLowerCase().indexOf('application/json') === 0;
  }

  /**
   * @param {Set<string>} tried nonces this flush has sent already
   * @returns {Promise<void>}
   */
  function sendNext(tried) {
    var next = queue[0];
    if (!next || tried.has(next.nonce)) return Promise.resolve();
    /** @type {QueuedScan} */
    var scan = next;
    tried.add(scan.nonce);
    return fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      // `scanned_at`: a scan replayed after an outage is recorded when it was made, not when sent.
      body: JSON.stringify({ code: scan.code, nonce: scan.nonce, scanned_at: scan.at }),
    }).then(
      function (res) {
        if (res.status === 401 || res.status === 403) {
          // The scans stay queued: signing in again (401) or reloading the page (403: a token
          // from an older session) sends them.
          var scans = queuedScans(queue.length);
          if (res.status === 401) showAlert('You are signed out. Sign in again to send ' + scans + '.', { href: loginUrl, text: 'Sign in' });
          else showAlert('This page is out of date. Reload it to send ' + scans + '.', { href: location.href, text: 'Reload' });
          return undefined;
        }
        if (res.status === 429 || res.status >= 500) {
          keepQueued('The server is busy or having trouble.');
          return undefined;
        }
        if (!isJson(res)) {
          keepQueued('The network answered instead of the scanner (a Wi-Fi sign-in page?).');
          return undefined;
        }
        return res.json().then(
          function (body) {
            if (res.ok && body && body.scan) {
              dequeue(scan.nonce);
              hideAlert();
              showVerdict(body.scan);
              addRecent(body.scan);
              showCounts(body.counts);
              return sendNext(tried);
            }
            // The server read the scan and refused it as malformed: sending it again cannot help.
            if (res.status === 400 && body && body.error && body.error.code === 'VALIDATION_FAILED') {
              dequeue(scan.nonce);
              showAlert(body.error.message || 'That scan could not be checked.', null);
              return sendNext(tried);
            }
            keepQueued((body && body.error && body.error.message) || 'The scan could not be checked just now.');
            return undefined;
          },
          function () {
            keepQueued('The answer to a scan was cut off.');
          },
        );
      },
      function () {
        // No network: the scans wait in the queue.
        announceQueued();
      },
    );
  }

  /** @param {string} nonce */
  function dequeue(nonce) {
    queue = queue.filter(function (s) {
      return s.nonce !== nonce;
    });
    saveQueue();
    announced.delete(nonce);
  }

  window.addEventListener('online', flush);
  setInterval(function () {
    if (queue.length > 0) flush();
  }, RETRY_MS);

  // ── What staff see and hear ──────────────────────────────────────────────

  var hideTimer = 0;

  /**
   * @param {string} state 'accepted' | 'rejected' | 'queued'
   * @param {{ verdict: string, reason?: string, holder?: string, type?: string, detail?: string }} text
   */
  function fillVerdict(state, text) {
    result.className = 'result ' + state;
    byId('result-verdict').textContent = text.verdict;
    byId('result-reason').textContent = text.reason || '';
    byId('result-holder').textContent = text.holder || '';
    byId('result-type').textContent = text.type || '';
    byId('result-detail').textContent = text.detail || '';
    result.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hideVerdict, RESULT_MS);
  }

  /** @param {any} scan the `scan` of the endpoint's answer (scan-view.ts) */
  function showVerdict(scan) {
    fillVerdict(scan.result, {
      verdict: scan.verdict,
      reason: scan.reason_text || '',
      holder: scan.holder || '',
      type: scan.ticket_type || '',
      detail: scan.detail || '',
    });
    feedback(scan.result === 'accepted');
  }

  /** @param {QueuedScan} scan */
  function showQueuedVerdict(scan) {
    fillVerdict('queued', {
      verdict: 'QUEUED',
      reason: 'No network: this scan is sent as soon as it is back.',
      detail: scan.code.length > 40 ? scan.code.slice(0, 40) + '…' : scan.code,
    });
    feedback(null);
  }

  function hideVerdict() {
    result.hidden = true;
    input.focus();
  }

  result.addEventListener('click', function (event) {
    event.preventDefault();
    hideVerdict();
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !result.hidden) hideVerdict();
  });

  /**
   * @param {string} message
   * @param {{ href: string, text: string } | null} action
   */
  function showAlert(message, action) {
    alertBox.textContent = message + ' ';
    if (action) {
      var link = document.createElement('a');
      link.href = action.href;
      link.textContent = action.text;
      alertBox.appendChild(link);
    }
    alertBox.hidden = false;
  }

  function hideAlert() {
    alertBox.hidden = true;
  }

  /** @param {{ checked_in: number, total: number } | undefined} counts */
  function showCounts(counts) {
    if (!counts) return;
    countIn.textContent = String(counts.checked_in);
    countTotal.textContent = String(counts.total);
  }

  /** @param {any} scan */
  function addRecent(scan) {
    var item = document.createElement('li');
    item.className = scan.result;
    /** @param {string} tag @param {string} className @param {string} text */
    function part(tag, className, text) {
      var el = document.createElement(tag);
      if (className) el.className = className;
      el.textContent = text;
      item.appendChild(el);
      return el;
    }
    part('span', 'verdict', scan.verdict);
    part('span', 'who', scan.holder || 'Unknown ticket');
    part('time', '', scan.at_text).setAttribute('datetime', scan.at);
    part('span', 'detail', [scan.ticket_type, scan.result === 'rejected' ? scan.reason_text : null, scan.detail].filter(Boolean).join(' · '));
    recent.insertBefore(item, recent.firstChild);
    while (recent.children.length > RECENT_MAX && recent.lastChild) recent.removeChild(recent.lastChild);
    recentEmpty.hidden = true;
  }

  /** @type {AudioContext | null} */
  var audio = null;
  /** @param {boolean | null} ok true: admitted, false: refused, null: queued */
  function feedback(ok) {
    try {
      var Ctor = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
      if (Ctor) {
        audio = audio || new Ctor();
        var ctx = /** @type {AudioContext} */ (audio);
        if (ctx.state === 'suspended') ctx.resume();
        // Admitted: one bright beep. Refused: two low buzzes. Queued: one mid tone.
        /** @type {Array<[number, number, number]>} */
        var tones =
          ok === true
            ? [[880, 0, 0.12]]
            : ok === false
              ? [
                  [220, 0, 0.18],
                  [220, 0.26, 0.18],
                ]
              : [[520, 0, 0.1]];
        tones.forEach(function (tone) {
          var osc = ctx.createOscillator();
          var gain = ctx.createGain();
          var start = ctx.currentTime + tone[1];
          osc.type = ok === false ? 'square' : 'sine';
          osc.frequency.value = tone[0];
          gain.gain.setValueAtTime(0.2, start);
          gain.gain.exponentialRampToValueAtTime(0.001, start + tone[2]);
          osc.connect(gain);
          gain.connect(ctx.destination);
          osc.start(start);
          osc.stop(start + tone[2] + 0.02);
        });
      }
    } catch (_err) {
      // No sound is no reason to stop scanning.
    }
    if (navigator.vibrate) navigator.vibrate(ok === true ? 120 : ok === false ? [200, 100, 200] : 60);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var code = input.value;
    input.value = '';
    input.focus();
    submit(code);
  });

  // ── Camera ───────────────────────────────────────────────────────────────

  var cameraPanel = byId('camera-panel');
  var cameraToggle = /** @type {HTMLButtonElement} */ (byId('camera-toggle'));
  var video = /** @type {HTMLVideoElement} */ (byId('camera'));
  var cameraStatus = byId('camera-status');
  /** @type {MediaStream | null} */
  var stream = null;
  /** @type {(() => Promise<string | null>) | null} */
  var decode = null;
  var running = false;
  var lastCode = '';
  var lastSeen = 0;

  if (navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === 'function') cameraPanel.hidden = false;

  cameraToggle.addEventListener('click', function () {
    if (running) stopCamera();
    else startCamera();
  });

  /** @param {string} src */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (/** @type {any} */ (window).jsQR) return resolve(undefined);
      var script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.onload = function () {
        resolve(undefined);
      };
      script.onerror = function () {
        script.remove();
        reject(new Error('could not load the QR decoder'));
      };
      document.head.appendChild(script);
    });
  }

  /** A function reading one QR code from the current frame: BarcodeDetector where it reads QR codes, else jsQR. */
  function makeDecoder() {
    var Detector = /** @type {any} */ (window).BarcodeDetector;
    var native = Detector
      ? Promise.resolve(Detector.getSupportedFormats ? Detector.getSupportedFormats() : ['qr_code']).then(
          function (/** @type {string[]} */ formats) {
            if (formats.indexOf('qr_code') < 0) return null;
            var detector = new Detector({ formats: ['qr_code'] });
            return function () {
              return detector.detect(video).then(function (/** @type {Array<{ rawValue: string }>} */ codes) {
                return codes[0] ? codes[0].rawValue : null;
              });
            };
          },
          function () {
            return null;
          },
        )
      : Promise.resolve(null);
    return native.then(function (found) {
      if (found) return found;
      return loadScript(jsqrUrl).then(function () {
        var canvas = document.createElement('canvas');
        var ctx = canvas.getContext('2d', { willReadFrequently: true });
        return function () {
          var w = video.videoWidth;
          var h = video.videoHeight;
          if (!w || !h || !ctx) return Promise.resolve(null);
          // 640 px on the long side is plenty for a QR code and keeps each frame cheap on a phone.
          var scale = Math.min(1, 640 / Math.max(w, h));
          canvas.width = Math.round(w * scale);
          canvas.height = Math.round(h * scale);
          ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
          var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
          var code = /** @type {any} */ (window).jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
          return Promise.resolve(code ? code.data : null);
        };
      });
    });
  }

  function startCamera() {
    cameraStatus.textContent = 'Starting the camera…';
    cameraToggle.disabled = true;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        return video.play();
      })
      .then(function () {
        return decode ? decode : makeDecoder();
      })
      .then(function (decoder) {
        decode = decoder;
        running = true;
        cameraToggle.textContent = 'Stop the camera';
        cameraStatus.textContent = 'Point the camera at the ticket’s QR code.';
        tick();
      })
      .catch(function (/** @type {any} */ err) {
        stopCamera();
        cameraStatus.textContent =
          err && err.name === 'NotAllowedError'
            ? 'The camera is blocked: allow it for this site in the browser’s settings.'
            : 'The camera could not start here. Type or scan the code into the field instead.';
      })
      .finally(function () {
        cameraToggle.disabled = false;
      });
  }

  function stopCamera() {
    running = false;
    if (stream)
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    cameraToggle.textContent = 'Scan with the camera';
    cameraStatus.textContent = '';
  }

  function tick() {
    if (!running || !decode) return;
    decode()
      .then(function (code) {
        if (!code) return;
        var now = Date.now();
        var fresh = code !== lastCode || now - lastSeen > SAME_CODE_MS;
        lastCode = code;
        lastSeen = now;
        if (fresh) submit(code);
      })
      .catch(function () {
        // A frame that fails to decode is simply skipped.
      })
      .finally(function () {
        if (running) window.setTimeout(tick, 150);
      });
  }

  // A phone that locks or switches apps must not keep the camera on.
  document.addEventListener('visibilitychange', function () {
    if (document.hidden && running) stopCamera();
  });

  // Scans left from before a reload (or a crash) go out first.
  showQueued(queue.length);
  if (queue.length > 0) flush();
  // A verdict rendered by the server (a scan sent without script) gets the same timer.
  if (!result.hidden) hideTimer = window.setTimeout(hideVerdict, RESULT_MS);
})();
