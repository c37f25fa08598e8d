/* The composer: Enter sends, Shift+Enter starts a new line. A message shows at
 * once as pending, then confirms; on a network error it is retried with the
 * same client_id, so the server stores it once however many tries it takes.
 * Messages go out one at a time, so they keep the order they were written in.
 * A text over the limit is refused here with a message, and kept whole
 * (counter.js counts it as the server does; the box has no maxlength). */
(function (Chat) {
  'use strict';
  var form = Chat.$('composer');
  var input = Chat.$('body');
  if (!form || !input || !Chat.timeline) { return; }
  var room = Chat.roomId;
  var queue = [];
  var sending = false;
  // counter.js (loaded first) counts as the server does; without it, close enough.
  var limit = Chat.counter || {MAX: 4000, grouped: String, length: function (text) { return text.length; }};
  var tooLong = false;  // the error shown is "too long": it goes once the text is short enough

  function showError(text) {
    var list = form.querySelector('.form-errors');
    if (!list) {
      list = document.createElement('ul');
      list.className = 'errors form-errors';
      list.setAttribute('role', 'alert');
      form.insertBefore(list, form.firstChild);
    }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (text) {
      var li = document.createElement('li');
      li.appendChild(document.createTextNode(text));
      list.appendChild(li);
    }
    Chat.show(list, !!text);
  }

  function pump() {
    while (queue.length && queue[0].done) { queue.shift(); }
    if (sending || !queue.length) { return; }
    sending = true;
    var item = queue[0];
    var payload = {body: item.body, client_id: item.clientId};
    for (var name in item.fields) {
      if (Object.prototype.hasOwnProperty.call(item.fields, name)) { payload[name] = item.fields[name]; }
    }
    Chat.api('POST', '/rooms/' + room + '/messages', payload, function (status, data) {
      sending = false;
      if (item.done) {  // the stream brought it back meanwhile: it is stored
        pump();
        return;
      }
      if (status === 200 || status === 201) {
        item.done = true;
        Chat.timeline.add([data]);
      } else if (status === 0 || status === 429 || status >= 500) {
        item.attempts += 1;
        Chat.timeline.status(item.clientId, 'Not sent yet, retrying…');
        item.timer = setTimeout(pump, Math.min(15000, 1000 * Math.pow(2, item.attempts - 1)));
        return;
      } else {
        // Refused for good (too long, no longer a member, logged out): give the text back.
        item.done = true;
        Chat.timeline.drop(item.clientId);
        if (!input.value) {
          input.value = item.body;
          Chat.emit('composer-changed');
        }
        showError(Chat.errorMessage(status, data));
      }
      pump();
    });
  }

  // A send whose answer was lost may already be stored: its copy on the stream settles it.
  Chat.on('message', function (m) {
    if (m.author.id !== Chat.userId || !m.client_id) { return; }
    for (var i = 0; i < queue.length; i++) {
      if (queue[i].clientId === m.client_id && !queue[i].done) {
        queue[i].done = true;
        clearTimeout(queue[i].timer);
      }
    }
    pump();
  });

  function send() {
    var body = input.value.replace(/^\s+|\s+$/g, '');
    // Other behaviours add to the post (`fields`: attachments, reply_to) or hold
    // it back with a reason (`refused`: an upload still running).
    var item = {clientId: Chat.newId(), body: body, attempts: 0, fields: {}, refused: ''};
    Chat.emit('composing', item);
    if (item.refused) { showError(item.refused); return; }
    if (!body && !(item.fields.attachments && item.fields.attachments.length)) { return; }
    var length = limit.length(body);
    if (length > limit.MAX) {
      showError('Message must be at most ' + limit.grouped(limit.MAX) + ' characters; this one has ' +
                limit.grouped(length) + '. Shorten it or send it in parts.');
      tooLong = true;
      return;
    }
    tooLong = false;
    showError('');
    // Sending from an older page of history: show the present, where it will land.
    if (Chat.history && !Chat.history.atLatest()) { Chat.history.toLatest(); }
    queue.push(item);
    Chat.timeline.pending(item.clientId, body);
    input.value = '';
    Chat.emit('composer-changed');
    if (Chat.scrollToBottom) { Chat.scrollToBottom(); }
    Chat.emit('sent', item);
    pump();
  }

  input.addEventListener('keydown', function (event) {
    var enter = event.key === 'Enter' || event.keyCode === 13;
    // Not while an input method is composing (Japanese, Chinese...): Enter picks the word.
    if (enter && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      send();
    }
  });

  input.addEventListener('input', function () {
    if (tooLong && limit.length(input.value) <= limit.MAX) {
      tooLong = false;
      showError('');
    }
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    send();
  });
}(window.Chat));
