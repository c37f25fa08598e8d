/* The message list: renders messages, keeps them in seq order with nothing
 * doubled, groups runs by one author, and keeps day separators in local time. */
(function (Chat) {
  'use strict';
  var list = Chat.$('messages');
  if (!list) { return; }
  var GROUP_GAP = 5 * 60 * 1000;
  // What other behaviours add to a rendered message (attachments, reactions,
  // replies): each is function (li, message), registered with Chat.timeline.part.
  var parts = [];

  function two(n) { return (n < 10 ? '0' : '') + n; }
  function seqOf(li) { return Number(li.getAttribute('data-seq')); }
  function isMessage(node) { return node.nodeType === 1 && /(^| )message( |$)/.test(node.className); }
  function isDay(node) { return node && node.nodeType === 1 && /(^| )day( |$)/.test(node.className); }
  function timeOf(li) { return new Date(li.getElementsByTagName('time')[0].getAttribute('datetime')); }
  function dayKey(d) { return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()); }
  function toggle(el, name, on) {
    var has = (' ' + el.className + ' ').indexOf(' ' + name + ' ') >= 0;
    if (on && !has) { el.className += ' ' + name; }
    if (!on && has) { el.className = (' ' + el.className + ' ').replace(' ' + name + ' ', ' ').replace(/^ | $/g, ''); }
  }

  function dayLabel(d) {
    var today = new Date();
    var yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (dayKey(d) === dayKey(today)) { return 'Today'; }
    if (dayKey(d) === dayKey(yesterday)) { return 'Yesterday'; }
    try {
      return d.toLocaleDateString(undefined, {weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'});
    } catch (ignored) {
      return d.toDateString();
    }
  }

  function localize(li) {
    var time = li.getElementsByTagName('time')[0];
    var d = timeOf(li);
    time.textContent = two(d.getHours()) + ':' + two(d.getMinutes());
    time.parentNode.setAttribute('title', d.toLocaleString());
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.appendChild(document.createTextNode(text)); }
    return node;
  }

  /* What a system message says after its actor's name; chat/markup.py `happened` says the same. */
  function happened(event) {
    var user = (event.user && event.user.username) || 'someone';
    switch (event.action) {
      case 'join': return 'joined';
      case 'leave': return 'left';
      case 'invite': return 'added ' + user;
      case 'kick': return 'removed ' + user;
      case 'ban': return 'banned ' + user;
      case 'unban': return 'unbanned ' + user;
      case 'rename': return 'renamed the room to \u201c' + event.name + '\u201d';
      case 'topic': return event.topic ? 'changed the topic to \u201c' + event.topic + '\u201d' : 'cleared the topic';
      default: return 'changed the room';
    }
  }

  function body(m) {
    if (m.kind === 'system') { return el('div', 'body', m.author.username + ' ' + happened(m.event)); }
    if (m.deleted) { return el('div', 'body tombstone', 'Message deleted'); }
    if (typeof m.html !== 'string') { return el('div', 'body plain', m.body); }  // still being sent
    var div = el('div', 'body');
    // The one innerHTML: the server's own rendering, sanitised against an
    // allowlist (chat.render). Everything else goes in as text.
    div.innerHTML = m.html;
    if (m.author.id === Chat.userId) { div.setAttribute('data-source', m.body); }  // what an edit starts from
    var mine = Chat.myMentions(div);
    for (var i = 0; i < mine.length; i++) { toggle(mine[i], 'me', true); }
    return div;
  }

  function render(m, pending) {
    var system = m.kind === 'system';
    var li = el('li', system ? 'message system' : 'message');
    var meta = el('div', 'meta');
    var time = el('time');
    time.setAttribute('datetime', m.created_at);
    if (!system) { meta.appendChild(el('span', 'author', m.author.username)); }
    if (pending) {
      meta.appendChild(time);
      meta.appendChild(el('span', 'status', 'Sending…'));
    } else {
      var permalink = el('a', 'time');
      permalink.setAttribute('href', m.url);
      permalink.setAttribute('title', 'Permalink');
      permalink.setAttribute('tabindex', '-1');
      permalink.appendChild(time);
      meta.appendChild(permalink);
      li.id = 'm' + m.seq;
      li.setAttribute('data-seq', m.seq);
    }
    li.setAttribute('data-author-id', system ? '' : m.author.id);
    if (!system) {
      toggle(li, 'mine', m.author.id === Chat.userId);
      toggle(li, 'deleted', !!m.deleted);
      toggle(li, 'mentions-me', !m.deleted && Chat.mentions(m.html));
      if (m.edited_at && !m.deleted) {
        li.setAttribute('data-edited', m.edited_at);
        meta.appendChild(el('span', 'edited', '(edited)'));
      }
    }
    li.appendChild(meta);
    li.appendChild(body(m));
    for (var i = 0; i < parts.length; i++) { parts[i](li, m); }
    localize(li);
    return li;
  }

  // After the last message whose seq is lower; pending messages stay last.
  function place(li) {
    var seq = seqOf(li);
    var node = list.lastChild;
    while (node && !(isMessage(node) && node.getAttribute('data-seq') && seqOf(node) < seq)) {
      node = node.previousSibling;
    }
    list.insertBefore(li, node ? node.nextSibling : list.firstChild);
  }

  /* Mark runs and day changes, touching only what is wrong (the list is an
   * aria-live region: rewriting it would read it all out again). */
  function regroup() {
    var previous = null;
    var node = list.firstChild;
    while (node) {
      var next = node.nextSibling;
      if (isDay(node)) {
        var following = node.nextSibling;
        while (following && following.nodeType !== 1) { following = following.nextSibling; }
        if (!following || isDay(following)) { list.removeChild(node); }
      } else if (isMessage(node)) {
        var d = timeOf(node);
        var key = dayKey(d);
        var author = node.getAttribute('data-author-id');
        var before = node.previousSibling;
        while (before && before.nodeType !== 1) { before = before.previousSibling; }
        var newDay = !previous || previous.key !== key;
        if (newDay && !(isDay(before) && before.getAttribute('data-day') === key)) {
          if (isDay(before)) { list.removeChild(before); }
          var day = el('li', 'day');
          day.setAttribute('data-day', key);
          day.appendChild(el('span', null, dayLabel(d)));
          list.insertBefore(day, node);
        } else if (!newDay && isDay(before)) {
          list.removeChild(before);
        } else if (newDay && before.textContent !== dayLabel(d)) {
          before.firstChild.textContent = dayLabel(d);  // the server wrote it in UTC
        }
        toggle(node, 'grouped', !newDay && author && previous.author === author && d - previous.time < GROUP_GAP);
        previous = {key: key, author: author, time: d};
      }
      node = next;
    }
    var empty = Chat.$('empty');
    if (empty) { Chat.show(empty, !list.getElementsByTagName('li').length); }
  }

  // client_ids are [A-Za-z0-9_.:-] (the server checks), safe inside a quoted selector.
  function pendingLi(clientId) { return list.querySelector('li[data-client-id="' + clientId + '"]'); }

  Chat.timeline = {
    list: list,

    /* Add a part to every message rendered from now on (see `parts`). */
    part: function (fn) { parts.push(fn); },

    /* A message rendered as the list shows it, without its id, for a view
     * outside the list (thread.js): the page keeps one #m<seq>, the list's. */
    render: function (m) {
      var li = render(m);
      li.removeAttribute('id');
      return li;
    },

    /* Add messages (from the stream or a history page); returns how many were new. */
    add: function (messages) {
      var added = 0;
      for (var i = 0; i < messages.length; i++) {
        var m = messages[i];
        if (Chat.$('m' + m.seq)) { continue; }
        var mine = m.client_id && m.author.id === Chat.userId ? pendingLi(m.client_id) : null;
        if (mine) { list.removeChild(mine); }
        var li = render(m);
        place(li);
        Chat.emit('rendered', li);
        added += 1;
      }
      if (added) { regroup(); }
      return added;
    },

    /* Show an edit or a delete in place (a message not on the page is left to
     * history: whoever scrolls to it loads it as it stands). */
    update: function (m) {
      var old = Chat.$('m' + m.seq);
      if (!old) { return false; }
      var li = render(m);
      li.className += /(^| )highlight( |$)/.test(old.className) ? ' highlight' : '';
      list.replaceChild(li, old);
      regroup();
      Chat.emit('rendered', li);
      return true;
    },

    pending: function (clientId, body) {
      var li = render({author: {id: Chat.userId, username: Chat.username}, body: body,
                       created_at: new Date().toISOString()}, true);
      li.className += ' pending';
      li.setAttribute('data-client-id', clientId);
      list.appendChild(li);
      regroup();
      return li;
    },

    status: function (clientId, text) {
      var li = pendingLi(clientId);
      if (li) { li.getElementsByTagName('span')[1].textContent = text; }
    },

    drop: function (clientId) {
      var li = pendingLi(clientId);
      if (li) { list.removeChild(li); regroup(); }
    },

    firstSeq: function () {
      var first = list.querySelector('li[data-seq]');
      return first ? seqOf(first) : null;
    },

    lastSeq: function () {
      var all = list.querySelectorAll('li[data-seq]');
      return all.length ? seqOf(all[all.length - 1]) : null;
    }
  };

  var items = list.getElementsByTagName('li');
  for (var i = 0; i < items.length; i++) {
    if (isMessage(items[i])) { localize(items[i]); }
  }
  regroup();
}(window.Chat));
