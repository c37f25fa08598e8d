/* A thread: one message and its replies, oldest first, in a panel over the
 * members column (the whole screen on a phone), opened from the message's reply
 * count. It pages through GET .../messages/<seq>/replies, stays live (a new
 * reply to it is appended; its count, edits and deletes are shown in place), and
 * has a composer of its own that posts replies to it. Escape or the close button
 * closes it, and the focus goes back to where it was. */
(function (Chat) {
  'use strict';
  var timeline = Chat.timeline;
  var main = document.querySelector('main.room-app');
  if (!timeline || !main || !Chat.roomId) { return; }
  var room = Chat.roomId;
  var panel, list, more, form, input, error, send;
  var parentSeq = null;  // the open thread's message
  var lastSeq = 0;       // the newest reply shown
  var hasMore = false;   // older pages are shown first: newer replies wait for "More replies"
  var opener = null;
  var clientId = null;   // kept across a failed try, so a retry cannot post twice
  var era = 0;           // answers for a thread that has since been closed or changed are dropped

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.appendChild(document.createTextNode(text)); }
    return node;
  }

  function build() {
    panel = el('aside', 'thread');
    panel.id = 'thread';
    panel.setAttribute('aria-labelledby', 'thread-title');
    panel.setAttribute('tabindex', '-1');
    var head = el('div', 'thread-head');
    head.appendChild(el('h2', null, 'Thread')).id = 'thread-title';
    var close = el('button', 'thread-close');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close thread');
    close.setAttribute('title', 'Close thread');
    close.appendChild(Chat.icon('x'));
    close.addEventListener('click', hide);
    head.appendChild(close);
    var scroller = el('div', 'thread-scroller');
    list = el('ol', 'messages thread-messages');
    list.setAttribute('aria-live', 'polite');
    more = el('button', 'link thread-more', 'More replies');
    more.type = 'button';
    more.addEventListener('click', function () { load(lastSeq); });
    scroller.appendChild(list);
    scroller.appendChild(more);
    form = el('form', 'thread-composer');
    form.setAttribute('novalidate', '');
    error = el('p', 'error');
    error.setAttribute('role', 'alert');
    input = el('textarea');
    input.rows = 2;
    input.setAttribute('aria-label', 'Reply in thread');
    input.setAttribute('placeholder', 'Reply\u2026');
    send = el('button', 'primary', 'Reply');
    send.type = 'submit';
    form.appendChild(error);
    form.appendChild(input);
    form.appendChild(send);
    panel.appendChild(head);
    panel.appendChild(scroller);
    panel.appendChild(form);
    Chat.show(panel, false);
    main.appendChild(panel);
    form.addEventListener('submit', function (event) { event.preventDefault(); post(); });
    input.addEventListener('keydown', function (event) {
      if ((event.key === 'Enter' || event.keyCode === 13) && !event.shiftKey && !event.isComposing &&
          event.keyCode !== 229) {
        event.preventDefault();
        post();
      }
    });
    panel.addEventListener('keydown', function (event) {
      if ((event.key === 'Escape' || event.key === 'Esc') && !event.defaultPrevented) { event.preventDefault(); hide(); }
    });
  }

  function shown(seq) { return list.querySelector('li[data-seq="' + seq + '"]'); }

  /* Show `m` in the panel: in place when it is there, else at the end. */
  function put(m) {
    var li = timeline.render(m);
    if (m.seq === parentSeq) { li.className += ' thread-parent'; }
    var old = shown(m.seq);
    if (old) { list.replaceChild(li, old); } else { list.appendChild(li); }
    if (m.seq !== parentSeq) { lastSeq = Math.max(lastSeq, m.seq); }
  }

  function load(after) {
    var asked = era;
    Chat.api('GET', '/rooms/' + room + '/messages/' + parentSeq + '/replies?after=' + after, null, function (status, data) {
      if (asked !== era) { return; }
      if (status !== 200) { error.textContent = Chat.errorMessage(status, data); return; }
      error.textContent = '';
      put(data.parent);
      for (var i = 0; i < data.replies.length; i++) { put(data.replies[i]); }
      hasMore = data.has_more;
      Chat.show(more, hasMore);
    });
  }

  function open(seq, from) {
    if (!panel) { build(); }
    era += 1;
    parentSeq = seq;
    lastSeq = 0;
    hasMore = false;
    opener = from || document.activeElement;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    error.textContent = '';
    Chat.show(more, false);
    Chat.show(panel, true);
    main.className += /(^| )threaded( |$)/.test(main.className) ? '' : ' threaded';
    document.body.className += /(^| )thread-open( |$)/.test(document.body.className) ? '' : ' thread-open';
    input.focus();
    load(0);
  }

  function hide() {
    if (!panel || parentSeq === null) { return; }
    era += 1;
    var seq = parentSeq;
    parentSeq = null;
    Chat.show(panel, false);
    main.className = main.className.replace(/(^| )threaded(?= |$)/g, '');
    document.body.className = document.body.className.replace(/(^| )thread-open(?= |$)/g, '');
    // The count that opened it may have been rendered anew since (a new reply): its successor, then.
    var parent = Chat.$('m' + seq);
    var back = opener && document.body.contains(opener) ? opener
      : (parent && parent.querySelector('.replies-count')) || Chat.$('body');
    if (back) { back.focus(); }
  }

  function post() {
    var body = input.value.replace(/^\s+|\s+$/g, '');
    if (!body || send.disabled) { return; }
    var seq = parentSeq;
    clientId = clientId || Chat.newId();
    send.disabled = true;
    Chat.api('POST', '/rooms/' + room + '/messages', {body: body, client_id: clientId, reply_to: seq}, function (status, data) {
      send.disabled = false;
      if (status === 200 || status === 201) {
        clientId = null;
        if (input.value.replace(/^\s+|\s+$/g, '') === body) { input.value = ''; }
        error.textContent = '';
        if (parentSeq === seq && !hasMore) { put(data); }
        if (!Chat.history || Chat.history.atLatest()) { timeline.add([data]); }
        return;
      }
      if (status !== 0 && status !== 429 && status < 500) { clientId = null; }  // refused for good
      error.textContent = Chat.errorMessage(status, data);
    });
  }

  // The reply count opens the thread (without script, it is the message's permalink).
  document.addEventListener('click', function (event) {
    var node = event.target;
    while (node && node.nodeType === 1 && !/(^| )replies-count( |$)/.test(node.className)) { node = node.parentNode; }
    if (!node || node.nodeType !== 1) { return; }
    event.preventDefault();
    if (!timeline.list.contains(node)) { return; }  // the count inside the panel: the thread is open
    open(Number(node.getAttribute('data-seq')), node);
  });

  Chat.on('message', function (m) {
    if (parentSeq === null || m.room_id !== room || !m.reply_to || m.reply_to.seq !== parentSeq) { return; }
    if (!hasMore && !shown(m.seq)) { put(m); }
  });

  function changed(data) {
    if (parentSeq !== null && data.room_id === room && shown(data.message.seq)) {
      put(data.message);
    }
  }
  Chat.on('replies', changed);
  Chat.on('edit', changed);
  Chat.on('delete', changed);
  Chat.on('reset', function (data) {
    for (var i = 0; i < data.room_ids.length; i++) {
      if (data.room_ids[i] === room && parentSeq !== null) { open(parentSeq, opener); }
    }
  });

  Chat.thread = {open: open, close: hide};
}(window.Chat));
