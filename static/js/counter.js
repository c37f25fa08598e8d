/* How long a message is, near the limit: from 3,500 characters a text box shows
 * "3,612 / 4,000", turning to an error over 4,000. Nothing is ever cut: the
 * boxes have no maxlength, and composer.js and edits.js refuse to send a text
 * that is too long, with a message, leaving it whole to be shortened.
 * Counted as the server counts (chat/models/text.py): trimmed, in code points,
 * so an emoji counts once here as it does there. */
(function (Chat) {
  'use strict';
  var MAX = 4000;
  var FROM = 3500;

  function length(text) {
    return text.replace(/^\s+|\s+$/g, '').replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '.').length;
  }

  function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
  }

  /* A counter for `area`, at the end of `into` (its form); returns its refresh. */
  function attach(area, into) {
    var counter = document.createElement('p');
    counter.className = 'counter';
    // Always in the page, empty below the threshold: a live region that appears
    // along with its first words is often not read out.
    counter.setAttribute('role', 'status');
    counter.setAttribute('aria-live', 'polite');
    counter.setAttribute('aria-atomic', 'true');
    into.appendChild(counter);
    var shown = '';
    var marked = false;

    function update() {
      var n = length(area.value);
      var over = n > MAX;
      var text = n >= FROM ? grouped(n) + ' / ' + grouped(MAX) : '';
      if (text !== shown) {
        shown = text;
        while (counter.firstChild) { counter.removeChild(counter.firstChild); }
        if (text) {
          counter.appendChild(document.createTextNode(text));
          if (over) {
            var more = document.createElement('span');
            more.className = 'visually-hidden';
            more.appendChild(document.createTextNode(' characters: ' + grouped(n - MAX) + ' too many'));
            counter.appendChild(more);
          }
        }
      }
      counter.className = over ? 'counter over' : 'counter';
      if (over !== marked) {  // only what this counter set: a server error's mark stays
        marked = over;
        if (over) { area.setAttribute('aria-invalid', 'true'); } else { area.removeAttribute('aria-invalid'); }
      }
    }

    area.addEventListener('input', update);
    update();
    return update;
  }

  Chat.counter = {MAX: MAX, length: length, grouped: grouped, attach: attach};

  var composer = Chat.$('body');
  var form = Chat.$('composer');
  if (composer && form) {
    // Below the composer's row (the box and Send), on a line of its own.
    var refresh = attach(composer, form);
    Chat.on('composer-changed', refresh);
  }
}(window.Chat));
