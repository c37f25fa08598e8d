/* Scrolling the room: live messages follow the bottom (or raise a pill when
 * you have scrolled up), older and newer pages load in place as you scroll,
 * and a `reset` reloads the recent history. */
(function (Chat) {
  'use strict';
  var chat = Chat.$('chat');
  var scroller = Chat.$('scroller');
  var pill = Chat.$('new-messages');
  var timeline = Chat.timeline;
  if (!chat || !timeline) { return; }
  var room = Chat.roomId;
  var hasOlder = chat.getAttribute('data-has-older') === 'true';
  var hasNewer = chat.getAttribute('data-has-newer') === 'true';
  var loading = false;
  var latestSeen = timeline.lastSeq() || 0;  // the room's newest seq we know of
  var PAGE = 50;

  function atBottom() { return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40; }
  function toBottom() { scroller.scrollTop = scroller.scrollHeight; Chat.show(pill, false); }

  function readShown() {
    if (!hasNewer && atBottom() && timeline.lastSeq()) { Chat.markRead(room, timeline.lastSeq()); }
  }

  function links(which) {
    var found = scroller.querySelectorAll('a.page-link');
    var out = [];
    for (var i = 0; i < found.length; i++) {
      var text = found[i].textContent;
      if (which === 'older' ? text === 'Older messages' : text !== 'Older messages') { out.push(found[i]); }
    }
    return out;
  }

  function dropLinks(which) {
    var found = links(which);
    for (var i = 0; i < found.length; i++) {
      if (document.activeElement === found[i]) { scroller.focus(); }  // keep a keyboard user's place
      found[i].parentNode.removeChild(found[i]);
    }
  }

  // A reload starts a new era: answers to page requests from before it are dropped.
  var era = 0;

  function page(query, done) {
    var asked = era;
    loading = true;
    timeline.list.setAttribute('aria-busy', 'true');
    Chat.api('GET', '/rooms/' + room + '/messages?limit=' + PAGE + '&' + query, null, function (status, data) {
      if (asked !== era) { return; }
      loading = false;
      timeline.list.removeAttribute('aria-busy');
      if (status === 200) { done(data); }
    });
  }

  function loadOlder() {
    if (loading || !hasOlder) { return; }
    page('before=' + timeline.firstSeq(), function (data) {
      // Pin the text the reader sees: the first message may join the run above
      // it and lose its name line, so heights alone would be off by that line.
      var anchor = timeline.list.querySelector('li[data-seq] .body');
      var top = anchor.getBoundingClientRect().top;
      timeline.add(data.messages);
      scroller.scrollTop += anchor.getBoundingClientRect().top - top;
      hasOlder = data.has_more;
      if (!hasOlder) { dropLinks('older'); }
    });
  }

  function loadNewer() {
    if (loading || !hasNewer) { return; }
    page('after=' + timeline.lastSeq(), function (data) {
      timeline.add(data.messages);
      hasNewer = data.has_more || (timeline.lastSeq() || 0) < latestSeen;
      if (!hasNewer) { dropLinks('newer'); readShown(); }
    });
  }

  /* Show the room's latest page. What is shown goes at once, and the answer is
   * merged: messages the stream adds meanwhile stay, doubles are skipped. */
  function reloadRecent() {
    era += 1;
    var items = timeline.list.querySelectorAll('li[data-seq]');
    for (var i = 0; i < items.length; i++) { items[i].parentNode.removeChild(items[i]); }
    hasNewer = false;
    dropLinks('newer');
    page('before=2147483647', function (data) {
      timeline.add(data.messages);
      hasOlder = data.has_more;
      toBottom();
      readShown();
    });
  }

  // Messages, and system messages ("alice removed mallory"), join the timeline alike.
  function arrived(m) {
    if (m.room_id !== room) { return; }
    latestSeen = Math.max(latestSeen, m.seq);
    if (hasNewer) { Chat.show(pill, true); return; }  // a gap lies between: scrolling down fills it
    var follow = atBottom();
    if (!timeline.add([m])) { return; }
    if (follow) { toBottom(); readShown(); } else { Chat.show(pill, true); }
  }
  Chat.on('message', arrived);
  Chat.on('room', arrived);

  Chat.on('reset', function (data) {
    for (var i = 0; i < data.room_ids.length; i++) {
      if (data.room_ids[i] === room && data.reason !== 'not_a_member') { reloadRecent(); }
    }
  });

  scroller.addEventListener('scroll', function () {
    if (scroller.scrollTop < 300) { loadOlder(); }
    if (atBottom()) {
      if (hasNewer) { loadNewer(); } else { Chat.show(pill, false); readShown(); }
    }
  });

  // Without JavaScript these links page through history; here they load in place.
  function intercept(which, load) {
    var found = links(which);
    for (var i = 0; i < found.length; i++) {
      if (found[i].textContent === 'Latest') { continue; }
      found[i].addEventListener('click', function (event) { event.preventDefault(); load(); });
    }
  }
  intercept('older', loadOlder);
  intercept('newer', loadNewer);

  pill.addEventListener('click', function () {
    if (hasNewer) { window.location.href = '/rooms/' + room; return; }
    toBottom();
    readShown();
  });

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { readShown(); }
  });

  /* Scroll the history (not the page around it) to show `el`: in the middle
   * (a permalink's message), or near the top with a little of what came before
   * (the unread divider). */
  function reveal(el, where) {
    var box = el.getBoundingClientRect();
    var gap = where === 'center' ? (scroller.clientHeight - box.height) / 2 : scroller.clientHeight / 5;
    scroller.scrollTop += box.top - scroller.getBoundingClientRect().top - Math.max(gap, 0);
  }

  Chat.scrollToBottom = toBottom;
  Chat.history = {
    atLatest: function () { return !hasNewer; },
    atBottom: atBottom,
    toLatest: reloadRecent,
    reveal: reveal
  };
  // A permalink opens at its message, a room with news at its "New" divider
  // (templates/rooms/_divider.html), any other at the newest.
  var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  var divider = Chat.$('unread');
  if (target) {
    reveal(target, 'center');
    // The browser scrolls to the fragment itself as the page loads, to the top: centre it again.
    window.addEventListener('load', function () { reveal(target, 'center'); });
  } else if (divider) {
    reveal(divider, 'top');
  } else {
    toBottom();
  }
}(window.Chat));
