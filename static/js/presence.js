/* The members panel: who is in the room, and who has it open right now. */
(function (Chat) {
  'use strict';
  var list = Chat.$('members');
  if (!list) { return; }
  var room = Chat.roomId;

  function items() { return list.querySelectorAll('li[data-user-id]'); }

  function find(userId) {
    var all = items();
    for (var i = 0; i < all.length; i++) {
      if (Number(all[i].getAttribute('data-user-id')) === userId) { return all[i]; }
    }
    return null;
  }

  function setOnline(users) {
    var online = {};
    for (var i = 0; i < users.length; i++) { online[users[i].id] = true; }
    var all = items();
    for (var j = 0; j < all.length; j++) {
      var on = !!online[all[j].getAttribute('data-user-id')];
      all[j].className = on ? 'online' : '';
      all[j].querySelector('.status').textContent = on ? 'online' : 'offline';
    }
  }

  function add(user) {
    if (find(user.id)) { return; }
    var li = document.createElement('li');
    li.setAttribute('data-user-id', user.id);
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
    list.appendChild(li);
  }

  Chat.on('presence', function (data) {
    if (data.room_id === room) { setOnline(data.online); }
  });

  Chat.on('member', function (data) {
    if (data.room_id !== room) { return; }
    if (data.action === 'join') { add(data.user); }
    var gone = data.action === 'leave' && find(data.user.id);
    if (gone) { list.removeChild(gone); }
  });

  // Presence changes are announced, not replayed: after a drop, ask afresh.
  Chat.on('open', function (state) {
    if (!state.reconnected) { return; }
    Chat.api('GET', '/rooms/' + room, null, function (status, data) {
      if (status !== 200) { return; }
      for (var i = 0; i < data.members.length; i++) { add(data.members[i].user); }
      setOnline(data.online);
    });
  });
}(window.Chat));
