/* Unread counts: live badges for every room, the total in the title, and read
 * markers sent for what this tab has shown (every tab hears the new count). */
(function (Chat) {
  'use strict';
  var title = document.title;
  var sent = {};  // room -> highest seq this tab has marked read
  var timers = {};

  function entries() { return document.querySelectorAll('[data-room-id][data-last-seq]'); }

  function entry(room) { return document.querySelector('[data-room-id="' + room + '"][data-last-seq]'); }

  function number(el, name) { return Number(el.getAttribute(name)) || 0; }

  function raise(el, name, value) {
    if (value > number(el, name)) { el.setAttribute(name, value); }
  }

  function render() {
    var all = entries();
    var total = 0;
    for (var i = 0; i < all.length; i++) {
      var count = number(all[i], 'data-unread');
      var mentions = number(all[i], 'data-mentions');
      // The room on screen shows its news in place; the title counts it only while the tab is hidden.
      var onScreen = Number(all[i].getAttribute('data-room-id')) === Chat.roomId;
      var badge = all[i].querySelector('.unread');
      var mark = all[i].querySelector('.mention-count');
      badge.firstChild.nodeValue = String(count);
      mark.firstChild.nodeValue = '@' + mentions;
      Chat.show(badge, !!count && !onScreen);
      Chat.show(mark, !!mentions && !onScreen);
      total += onScreen && !document.hidden ? 0 : count;
    }
    document.title = (total ? '(' + total + ') ' : '') + title;
  }

  function counts(el, data) {
    el.setAttribute('data-unread', data.unread);
    el.setAttribute('data-mentions', data.mentions);
  }

  /* Tell the server this tab has shown `room` up to `seq` (batched, forward only). */
  Chat.markRead = function (room, seq) {
    if (seq <= (sent[room] || 0) || document.hidden) { return; }
    sent[room] = seq;
    clearTimeout(timers[room]);
    timers[room] = setTimeout(function () {
      Chat.api('POST', '/rooms/' + room + '/read', {seq: sent[room]}, null);
    }, 300);
  };

  /* A message is news once: past what the page counted (data-last-seq) and the
   * read marker, and not ours. Edits, deletes and room events only move the seq. */
  Chat.on('message', function (m) {
    var el = entry(m.room_id);
    if (!el || m.seq <= number(el, 'data-last-seq')) { return; }
    el.setAttribute('data-last-seq', m.seq);
    if (m.author.id === Chat.userId) {  // posting marks the room read up to it
      raise(el, 'data-last-read', m.seq);
      counts(el, {unread: 0, mentions: 0});
    } else if (m.seq > number(el, 'data-last-read')) {
      el.setAttribute('data-unread', number(el, 'data-unread') + 1);
      if (Chat.mentions(m.html)) {
        el.setAttribute('data-mentions', number(el, 'data-mentions') + 1);
      }
    }
    render();
  });

  function moved(data) {
    var el = entry(data.room_id);
    if (el) { raise(el, 'data-last-seq', data.seq); }
  }
  Chat.on('edit', moved);
  Chat.on('delete', moved);
  Chat.on('room', moved);

  Chat.on('read', function (data) {
    var el = entry(data.room_id);
    if (!el || data.last_read_seq < number(el, 'data-last-read')) { return; }
    el.setAttribute('data-last-read', data.last_read_seq);
    counts(el, data);
    render();
  });

  function badge(className, hidden) {
    var span = document.createElement('span');
    var hint = document.createElement('span');
    span.className = className;
    hint.className = 'visually-hidden';
    hint.appendChild(document.createTextNode(hidden));
    span.appendChild(document.createTextNode('0'));
    span.appendChild(hint);
    return span;
  }

  function addRoom(room) {
    var nav = Chat.$(room.direct ? 'dm-nav' : 'room-nav');
    if (!nav || entry(room.id)) { return; }  // the directory is a snapshot: counts only
    var li = document.createElement('li');
    li.setAttribute('data-room-id', room.id);
    li.setAttribute('data-last-seq', room.last_seq);
    li.setAttribute('data-last-read', room.last_read_seq);
    counts(li, room);
    var a = document.createElement('a');
    a.setAttribute('href', '/rooms/' + room.id);
    var label = document.createElement('span');
    label.className = 'room-label';
    label.appendChild(Chat.icon(room.direct ? 'at' : room.private ? 'lock' : 'hash'));
    label.appendChild(document.createTextNode(room.name));
    li.setAttribute('data-name', room.name);
    a.appendChild(label);
    a.appendChild(badge('mention-count', ' mentions'));
    a.appendChild(badge('unread', ' unread'));
    li.appendChild(a);
    var after = null;  // kept in name order, as the server lists them
    for (var node = nav.firstChild; node && !after; node = node.nextSibling) {
      if (node.nodeType === 1 && node.getAttribute('data-name') > room.name) { after = node; }
    }
    nav.insertBefore(li, after);
    render();
  }

  Chat.on('join', function (data) {
    if (data.room) { addRoom(data.room); }
  });

  // When this page left the room itself, its form is already taking it away.
  var unloading = false;
  window.addEventListener('beforeunload', function () { unloading = true; });

  Chat.on('leave', function (data) {
    if (data.room_id === Chat.roomId) {
      // Left in another tab, or taken out by the room's owner: the directory says which.
      if (!unloading) { window.location.href = '/rooms' + (data.reason ? '?left=' + data.reason : ''); }
      return;
    }
    var el = entry(data.room_id);
    if (el && Chat.$('room-nav')) { el.parentNode.removeChild(el); render(); }
  });

  // Reads in other tabs are not replayed after a drop: ask for the counts afresh.
  Chat.on('open', function (state) {
    if (!state.reconnected) { return; }
    Chat.api('GET', '/rooms', null, function (status, data) {
      if (status !== 200) { return; }
      for (var i = 0; i < data.rooms.length; i++) {
        var el = data.rooms[i].member && entry(data.rooms[i].id);
        if (el) {
          raise(el, 'data-last-seq', data.rooms[i].last_seq);
          raise(el, 'data-last-read', data.rooms[i].last_read_seq);
          counts(el, data.rooms[i]);
        }
      }
      render();
    });
  });

  document.addEventListener('visibilitychange', render);
  render();
}(window.Chat));
