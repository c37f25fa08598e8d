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
