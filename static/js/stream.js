/* The tab's one stream: every room of the user, resumed exactly after any drop.
 * Native EventSource where the browser has it, our polyfill where it does not. */
(function (Chat) {
  'use strict';
  var cursor = document.body.getAttribute('data-cursor');
  var Source = window.EventSource || window.EventSourcePolyfill;
  if (!cursor || !Source) { return; }

  var TYPES = ['message', 'edit', 'delete', 'reaction', 'replies', 'room', 'typing', 'presence', 'member', 'join', 'leave', 'read', 'reset'];
  var banner = Chat.$('connection');
  var source = null;
  var lastId = cursor;
  var failures = 0;
  var opened = false;
  var timer = null;

  function show(text) {
    banner.textContent = text;
    Chat.show(banner, !!text);
  }

  function listen(type) {
    source.addEventListener(type, function (event) {
      if (event.lastEventId) { lastId = event.lastEventId; }
      var data;
      try { data = JSON.parse(event.data); } catch (ignored) { return; }
      Chat.emit(type, data);
    });
  }

  function open() {
    timer = null;
    // The cursor goes in the query the first time; after that the browser's
    // own reconnects send Last-Event-ID, and ours send the latest id here.
    source = new Source('/api/v1/stream?lastEventId=' + encodeURIComponent(lastId));
    for (var i = 0; i < TYPES.length; i++) { listen(TYPES[i]); }
    source.onopen = function () {
      failures = 0;
      Chat.live = true;
      show('');
      Chat.emit('open', {reconnected: opened});
      opened = true;
    };
    source.onerror = function () {
      Chat.live = false;
      show('Reconnecting…');
      if (source.lastEventId) { lastId = source.lastEventId; }
      if (source.readyState === 2) { reopenLater(); }  // the browser gave up: we try again
    };
  }

  function reopenLater() {
    source.close();
    if (timer) { return; }
    failures += 1;
    var wait = Math.min(30000, 1000 * Math.pow(2, failures - 1)) * (1 + Math.random() * 0.2);
    // A refused stream may mean the login ended: then the login page, not a loop.
    Chat.api('GET', '/me', null, function (status) {
      if (status === 401) {
        window.location.href = '/login?next=' + encodeURIComponent(window.location.pathname);
      }
    });
    timer = setTimeout(open, wait);
  }

  // After every behaviour has registered its listeners (they are all deferred).
  setTimeout(open, 0);
}(window.Chat));
