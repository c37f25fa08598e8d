/* The members panel: who is in the room, and who has it open right now. */
(function (Chat) {
  'use strict';
  var list = Chat.$('members');
  if (!list) { return; }
  var room = Chat.roomId;

  function items() { return list.querySelectorAll('li[data-user-id]'); }

  function find(userId) { return list.querySelector('li[data-user-id="' + userId + '"]'); }

  // The latest online list, kept for members added after it: events on different
  // channels (presence on the room's, joins on the user's) may arrive in any order.
  var online = {};

  function mark(li) {
    var on = !!online[li.getAttribute('data-user-id')];
    li.className = on ? 'online' : '';
    li.querySelector('.status').textContent = on ? 'online' : 'offline';
  }

  function setOnline(users) {
    online = {};
    for (var i = 0; i < users.length; i++) { online[users[i].id] = true; }
    var all = items();
    for (var j = 0; j < all.length; j++) { mark(all[j]); }
  }

  var chat = Chat.$('chat');
  var moderator = chat && chat.getAttribute('data-moderator') === 'true';
  var direct = chat && chat.getAttribute('data-direct') === 'true';
  var token = document.querySelector('meta[name="csrf-token"]');

  /* A plain POST form with one button, as templates/rooms/_member_actions.html renders. */
  function action(path, text, label, field, className) {
    var form = document.createElement('form');
    form.method = 'post';
    form.action = path;
    form.className = 'inline';
    var fields = [['csrf_token', token ? token.getAttribute('content') : '']].concat(field ? [field] : []);
    for (var i = 0; i < fields.length; i++) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = fields[i][0];
      input.value = fields[i][1];
      form.appendChild(input);
    }
    var button = document.createElement('button');
    button.type = 'submit';
    button.className = className;
    button.setAttribute('aria-label', label);
    button.appendChild(document.createTextNode(text));
    form.appendChild(button);
    return form;
  }

  /* What the reader can do about someone who joined while the page was open. */
  function actions(user) {
    var span = document.createElement('span');
    span.className = 'member-actions';
    if (direct || user.id === Chat.userId) { return span; }
    span.appendChild(action('/dms', 'Message', 'Message ' + user.username, ['username', user.username], 'link'));
    if (moderator) {
      var base = '/rooms/' + room + '/members/' + encodeURIComponent(user.username) + '/';
      span.appendChild(action(base + 'remove', 'Remove', 'Remove ' + user.username, null, 'link danger'));
      span.appendChild(action(base + 'ban', 'Ban', 'Ban ' + user.username, null, 'link danger'));
    }
    return span;
  }

  function add(user) {
    if (find(user.id)) { return; }
    var li = document.createElement('li');
    li.setAttribute('data-user-id', user.id);
    li.setAttribute('data-username', user.username);
    var dot = document.createElement('span');
    dot.className = 'dot';
    dot.setAttribute('aria-hidden', 'true');
    var name = document.createElement('span');
    name.className = 'name';
    name.appendChild(document.createTextNode(user.username));
    var status = document.createElement('span');
    status.className = 'visually-hidden status';
    status.appendChild(document.createTextNode('offline'));
    li.appendChild(dot);
    li.appendChild(name);
    li.appendChild(status);
    li.appendChild(actions(user));
    list.appendChild(li);
    mark(li);
  }

  var heard = 0;  // presence and member events so far: a snapshot taken before one is stale

  Chat.on('presence', function (data) {
    if (data.room_id === room) { heard += 1; setOnline(data.online); }
  });

  Chat.on('member', function (data) {
    if (data.room_id !== room) { return; }
    heard += 1;
    if (data.action === 'join') { add(data.user); }
    var gone = data.action === 'leave' && find(data.user.id);
    if (gone) { list.removeChild(gone); }
  });

  // Presence and membership are announced, not replayed: whenever the stream
  // (re)opens, take a snapshot of what may have changed since the page or the drop.
  function snapshot(tries) {
    var asked = heard;
    Chat.api('GET', '/rooms/' + room, null, function (status, data) {
      if (status !== 200) { return; }
      if (heard !== asked) {  // overtaken by newer events: ask again rather than undo them
        if (tries > 1) { snapshot(tries - 1); }
        return;
      }
      var ids = {};
      for (var i = 0; i < data.members.length; i++) {
        ids[data.members[i].user.id] = true;
        add(data.members[i].user);
      }
      var all = items();
      for (var j = 0; j < all.length; j++) {
        if (!ids[all[j].getAttribute('data-user-id')]) { list.removeChild(all[j]); }
      }
      setOnline(data.online);
    });
  }

  Chat.on('open', function () { snapshot(3); });
}(window.Chat));
