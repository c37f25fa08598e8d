/* "bob is typing…": tell the room while you type (at most every 3 s), and show
 * who else is, until they send or go quiet for 6 s. */
(function (Chat) {
  'use strict';
  var input = Chat.$('body');
  var line = Chat.$('typing');
  if (!input || !line) { return; }
  var room = Chat.roomId;
  var EVERY = 3000;
  var SHOWN_FOR = 6000;
  var lastSent = 0;
  var typers = {};  // username -> when to stop showing them
  var timer = null;

  input.addEventListener('input', function () {
    var now = new Date().getTime();
    if (input.value && now - lastSent > EVERY) {
      lastSent = now;
      Chat.api('POST', '/rooms/' + room + '/typing', null, null);
    }
  });

  Chat.on('sent', function () { lastSent = 0; });

  function render() {
    var now = new Date().getTime();
    var names = [];
    for (var name in typers) {
      if (typers.hasOwnProperty(name)) {
        if (typers[name] > now) { names.push(name); } else { delete typers[name]; }
      }
    }
    names.sort();
    var text = '';
    if (names.length === 1) { text = names[0] + ' is typing…'; }
    if (names.length === 2) { text = names[0] + ' and ' + names[1] + ' are typing…'; }
    if (names.length > 2) { text = 'Several people are typing…'; }
    line.textContent = text;
    clearTimeout(timer);
    timer = names.length ? setTimeout(render, 1000) : null;
  }

  Chat.on('typing', function (data) {
    if (data.room_id !== room || data.user.id === Chat.userId) { return; }
    typers[data.user.username] = new Date().getTime() + SHOWN_FOR;
    render();
  });

  Chat.on('message', function (m) {
    if (m.room_id === room && typers[m.author.username]) {
      delete typers[m.author.username];
      render();
    }
  });
}(window.Chat));
