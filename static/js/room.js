/* The room's own name and topic, live: a rename or a new topic shows at once,
 * in the header and in the sidebar (the timeline shows the system message). */
(function (Chat) {
  'use strict';

  function label(roomId) {
    var entry = document.querySelector('[data-room-id="' + roomId + '"][data-last-seq]');
    return entry && entry.querySelector('.room-label');
  }

  function rename(roomId, name) {
    var title = roomId === Chat.roomId && document.querySelector('#room-name .room-title');
    if (title) { title.textContent = name; }
    var text = label(roomId);
    if (text) {
      text.lastChild.nodeValue = name;
      text.parentNode.parentNode.setAttribute('data-name', name);
    }
  }

  function retopic(roomId, topic) {
    var shown = roomId === Chat.roomId && Chat.$('room-topic');
    if (!shown) { return; }
    shown.textContent = topic;
    Chat.show(shown, !!topic);
  }

  Chat.on('room', function (m) {
    if (m.event.action === 'rename') { rename(m.room_id, m.event.name); }
    if (m.event.action === 'topic') { retopic(m.room_id, m.event.topic); }
  });
}(window.Chat));
