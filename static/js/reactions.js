/* Reactions: chips under a message (emoji and count, pressed when one is
 * yours; a click adds or takes back yours; who chose it on hover and focus),
 * and a small picker of common emoji opened by the message's "Add reaction"
 * tool. The picker is a menu: the arrow keys move within it, Enter picks,
 * Escape closes it and gives the focus back. Everyone's changes arrive as
 * `reaction` events carrying the message as it stands; templates/rooms/_reactions.html
 * draws the same chips on the server. */
(function (Chat) {
  'use strict';
  var timeline = Chat.timeline;
  if (!timeline || !Chat.roomId) { return; }
  var room = Chat.roomId;
  var COLUMNS = 6;
  var COMMON = [
    ['\ud83d\udc4d', 'thumbs up'], ['\u2764\ufe0f', 'red heart'], ['\ud83d\ude02', 'face with tears of joy'],
    ['\ud83c\udf89', 'party popper'], ['\ud83d\ude2e', 'face with open mouth'], ['\ud83d\ude22', 'crying face'],
    ['\ud83d\udc40', 'eyes'], ['\u2705', 'check mark'], ['\ud83d\ude4f', 'folded hands'],
    ['\ud83d\udd25', 'fire'], ['\ud83d\ude80', 'rocket'], ['\ud83d\udc4e', 'thumbs down']
  ];
  var open = null;  // the picker shown: {menu, opener, li}

  function has(li, name) { return (' ' + li.className + ' ').indexOf(' ' + name + ' ') >= 0; }
  function path(seq, emoji) {
    return '/rooms/' + room + '/messages/' + seq + '/reactions/' + encodeURIComponent(emoji);
  }

  /* "alice, bob and 3 more": `users` names the first 20 only. */
  function who(r) {
    var more = r.count - r.users.length;
    return r.users.join(', ') + (more > 0 ? ' and ' + more + ' more' : '');
  }

  /* The chips of message `m` (a timeline part). */
  function chips(li, m) {
    if (m.kind === 'system' || m.deleted || !m.reactions || !m.reactions.length) { return; }
    var group = document.createElement('div');
    group.className = 'reactions';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', 'Reactions');
    for (var i = 0; i < m.reactions.length; i++) {
      var r = m.reactions[i];
      var chip = document.createElement('button');
      var names = who(r);
      chip.type = 'button';
      chip.className = 'reaction';
      chip.setAttribute('data-emoji', r.emoji);
      chip.setAttribute('aria-pressed', r.users.indexOf(Chat.username) >= 0 ? 'true' : 'false');
      chip.setAttribute('aria-label', r.emoji + ' ' + r.count + ': ' + names);
      chip.setAttribute('title', names);
      chip.setAttribute('data-names', names);
      var face = document.createElement('span');
      face.className = 'emoji';
      face.setAttribute('aria-hidden', 'true');
      face.appendChild(document.createTextNode(r.emoji));
      var count = document.createElement('span');
      count.className = 'count';
      count.setAttribute('aria-hidden', 'true');
      count.appendChild(document.createTextNode(String(r.count)));
      chip.appendChild(face);
      chip.appendChild(count);
      group.appendChild(chip);
    }
    li.appendChild(group);
  }

  /* The chips of `m` as it now stands, changed in place: an edit box, an open
   * picker or the focus on a chip stays where it was. */
  function show(m) {
    var li = Chat.$('m' + m.seq);
    if (!li || !li.getAttribute('data-seq')) { return; }  // not on the page: history loads it as it stands
    var old = null;
    var spot = null;  // the chips go after the body and its attachments, as in the template
    for (var node = li.firstChild; node; node = node.nextSibling) {
      if (node.nodeType !== 1) { continue; }
      if (has(node, 'reactions')) { old = node; }
      if (has(node, 'body') || has(node, 'attachments')) { spot = node; }
    }
    var holder = document.createElement('div');
    chips(holder, m);
    var fresh = holder.firstChild;
    var focused = old && old.contains(document.activeElement) ? document.activeElement.getAttribute('data-emoji') : null;
    if (old) { li.removeChild(old); }
    if (fresh && spot) { li.insertBefore(fresh, spot.nextSibling); }
    if (focused === null) { return; }
    var again = fresh && fresh.querySelector('.reaction[data-emoji="' + focused.replace(/["\\]/g, '\\$&') + '"]');
    li.focus();  // first: a message's tools are hidden until it has the focus (or the pointer)
    (again || li.querySelector('.tool.react') || li).focus();
  }

  function send(li, method, emoji) {
    Chat.api(method, path(li.getAttribute('data-seq'), emoji), null, function (status, data) {
      if (status === 200) { show(data); return; }
      window.alert(Chat.errorMessage(status, data));
    });
  }

  function items(menu) { return Array.prototype.slice.call(menu.querySelectorAll('[role="menuitem"]')); }

  function close(refocus) {
    if (!open) { return; }
    var shown = open;
    open = null;
    // The focus moves before the menu goes, so it never leaves the message (whose tools would hide).
    if (refocus && document.body.contains(shown.opener)) { shown.opener.focus(); }
    if (shown.menu.parentNode) { shown.menu.parentNode.removeChild(shown.menu); }
    shown.opener.setAttribute('aria-expanded', 'false');
  }

  function picker(li, opener, start) {
    close(false);
    var menu = document.createElement('div');
    menu.className = 'picker';
    menu.setAttribute('role', 'menu');
    menu.setAttribute('aria-label', 'Add reaction');
    for (var i = 0; i < COMMON.length; i++) {
      var b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('role', 'menuitem');
      b.setAttribute('tabindex', '-1');
      b.setAttribute('data-emoji', COMMON[i][0]);
      b.setAttribute('aria-label', COMMON[i][1]);
      b.setAttribute('title', COMMON[i][1]);
      b.appendChild(document.createTextNode(COMMON[i][0]));
      menu.appendChild(b);
    }
    menu.addEventListener('click', function (event) {
      var emoji = event.target.getAttribute && event.target.getAttribute('data-emoji');
      if (!emoji) { return; }
      close(true);
      send(li, 'PUT', emoji);
    });
    menu.addEventListener('keydown', function (event) { move(menu, event); });
    menu.addEventListener('focusout', function (event) {
      if (open && open.menu === menu && event.relatedTarget && !menu.contains(event.relatedTarget)) { close(false); }
    });
    li.appendChild(menu);
    menu.scrollIntoView({block: 'nearest'});  // the last message's picker would open below the list's edge
    opener.setAttribute('aria-expanded', 'true');
    open = {menu: menu, opener: opener, li: li};
    items(menu)[start || 0].focus();
  }

  /* Arrow keys within the picker (a grid of COLUMNS), Home and End; Escape closes it. */
  function move(menu, event) {
    var all = items(menu);
    var at = all.indexOf(document.activeElement);
    var to = {ArrowRight: at + 1, ArrowLeft: at - 1, ArrowDown: at + COLUMNS, ArrowUp: at - COLUMNS,
              Home: 0, End: all.length - 1}[event.key];
    if (event.key === 'Escape') { event.preventDefault(); close(true); return; }
    if (event.key === 'Tab') { close(true); return; }  // Tab goes on from the tool that opened it
    if (to === undefined) { return; }
    event.preventDefault();
    all[(to + all.length) % all.length].focus();
  }

  /* Give a rendered message its "Add reaction" tool. */
  function decorate(li) {
    if (!li.getAttribute('data-seq') || has(li, 'system') || has(li, 'deleted') || li.querySelector('.tool.react')) {
      return;
    }
    var actions = Chat.toolbar(li);
    var tool = document.createElement('button');
    tool.type = 'button';
    tool.className = 'tool react';
    tool.setAttribute('aria-label', 'Add reaction');
    tool.setAttribute('title', 'Add reaction');
    tool.setAttribute('aria-haspopup', 'menu');
    tool.setAttribute('aria-expanded', 'false');
    tool.appendChild(Chat.icon('smile'));
    tool.addEventListener('click', function () {
      if (open && open.opener === tool) { close(true); } else { picker(li, tool, 0); }
    });
    actions.insertBefore(tool, actions.firstChild);
  }

  // A chip adds yours, or takes it back: one listener for the server's chips and the live ones.
  timeline.list.addEventListener('click', function (event) {
    var chip = event.target;
    while (chip && chip !== timeline.list && !(chip.className === 'reaction' && chip.tagName === 'BUTTON')) {
      chip = chip.parentNode;
    }
    if (!chip || chip === timeline.list) { return; }
    var li = chip.parentNode.parentNode;
    send(li, chip.getAttribute('aria-pressed') === 'true' ? 'DELETE' : 'PUT', chip.getAttribute('data-emoji'));
  });

  document.addEventListener('mousedown', function (event) {
    if (open && !open.menu.contains(event.target) && !open.opener.contains(event.target)) { close(false); }
  });

  timeline.part(chips);
  Chat.on('rendered', decorate);
  Chat.on('reaction', function (data) {
    if (data.room_id === room) { show(data.message); }
  });

  var shown = timeline.list.querySelectorAll('li[data-seq]');
  for (var i = 0; i < shown.length; i++) { decorate(shown[i]); }
}(window.Chat));
