// @ts-check
/**
 * Copy buttons for the console's snippets (the event page's Embed panel). Progressive
 * enhancement: the snippets are plain selectable text without this script; with it, each
 * `[data-copy]` block gets a "Copy" button that puts its text on the clipboard and says so to
 * screen readers through a polite live region.
 *
 * No inline script, no eval: it runs under the console's `script-src 'self'`.
 */
(function copyButtons() {
  'use strict';

  /** How long the button reads "Copied" before it goes back to "Copy". */
  var CONFIRM_MS = 2000;

  var blocks = document.querySelectorAll('[data-copy]');
  if (blocks.length === 0) return;

  var status = document.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  document.body.appendChild(status);

  /**
   * Selects the block's text, so a browser without the clipboard API still leaves it one Ctrl+C away.
   * @param {Element} block
   */
  function select(block) {
    var range = document.createRange();
    range.selectNodeContents(block);
    var selection = window.getSelection();
    if (!selection) return;
    selection.removeAllRanges();
    selection.addRange(range);
  }

  blocks.forEach(function (block) {
    var label = block.getAttribute('data-copy') || 'snippet';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn secondary small copy';
    // The visible word is the start of the accessible name ("Copy the script tag"), so a
    // voice-control user can say what they see (WCAG 2.5.3, label in name).
    var state = document.createElement('span');
    state.textContent = 'Copy';
    var what = document.createElement('span');
    what.className = 'visually-hidden';
    what.textContent = ' the ' + label;
    button.appendChild(state);
    button.appendChild(what);
    var timer = 0;
    button.addEventListener('click', function () {
      var text = block.textContent || '';
      /** @param {boolean} ok whether the text reached the clipboard */
      var done = function (ok) {
        state.textContent = ok ? 'Copied' : 'Press Ctrl+C to copy';
        status.textContent = ok ? 'The ' + label + ' is on the clipboard.' : 'The ' + label + ' is selected: press Ctrl+C (or ⌘C) to copy it.';
        if (!ok) select(block);
        clearTimeout(timer);
        timer = window.setTimeout(function () {
          state.textContent = 'Copy';
        }, CONFIRM_MS);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () {
            done(true);
          },
          function () {
            done(false);
          },
        );
      } else {
        done(false);
      }
    });
    var bar = document.createElement('div');
    bar.className = 'copy-bar';
    bar.appendChild(button);
    block.parentNode && block.parentNode.insertBefore(bar, block);
  });
})();
